// The blast radius of a change about to be made, read in the caller's transaction: which cells and
// customers the target reaches, what is in force and in flight there. The preview shows it; the
// action that makes the change confirms it (computed again, refused when a warning is new, and
// recorded in the audit log). The rules are lib/changes/blast-radius.ts.
import type { AuditInput } from "@/lib/audit/events";
import type { Db, Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import { bucketOf } from "@/lib/flags/bucket";
import { nextStep } from "@/lib/flags/schedule";
import { listFlags } from "@/lib/flags/server/store";
import { diffFleet, parseFleetYaml } from "@/lib/fleet/fleet-yaml";
import { readRegistry, serviceCatalogue } from "@/lib/fleet/server/store";
import { planWaves } from "@/lib/rollouts/plan";
import { parsePipelineSpec, parseReleaseDoc } from "@/lib/rollouts/release-doc";
import { windowAt, zoneOf } from "@/lib/rollouts/windows";
import { parseRunDoc } from "@/lib/schema-migrations/run-doc";
import { ACTIVE_RELEASE, ACTIVE_RUN } from "@/lib/schema-migrations/run-model";
import {
  type BlastCell,
  type BlastCustomer,
  type BlastFacts,
  type BlastRadius,
  type BlastTarget,
  blastRadius,
  confirmation,
  type InFlight,
  unseen,
} from "../blast-radius";
import { type CellRef, flagCellStates, targets } from "../flag-states";
import { homesOf, liveCells } from "./store";

type Reader = Db | Tx;

/** Releases, flag ramps and migrations under way, with the cells each touches. */
export async function inFlight(db: Reader, now: Date): Promise<InFlight> {
  const [releases, flags, runs, cells] = await Promise.all([
    db.release.findMany({ where: { status: { in: ACTIVE_RELEASE } }, orderBy: { startedAt: "asc" } }),
    listFlags(db),
    db.schemaMigrationRun.findMany({
      where: { status: { in: ACTIVE_RUN } },
      select: { id: true, status: true, currentPhase: true, cells: { select: { cellId: true }, distinct: ["cellId"] } },
    }),
    liveCells(db),
  ]);
  return {
    releases: releases.map((r) => ({
      id: r.id,
      title: r.title,
      status: r.status,
      cells: [...new Set(parseReleaseDoc(r.doc, r.id).waves.flatMap((w) => w.cells))],
    })),
    ramps: flags.flatMap((f) => {
      const next = f.enabled ? nextStep(f.schedule, now) : undefined;
      return next ? [{ key: f.key, next, cells: cells.filter((c) => targets(f, c)).map((c) => c.id) }] : [];
    }),
    migrations: runs.map((r) => ({ id: r.id, status: r.status, phase: r.currentPhase, cells: r.cells.map((c) => c.cellId) })),
  };
}

async function inForce(db: Reader, cells: BlastCell[], now: Date): Promise<Pick<BlastFacts, "freezes" | "windows">> {
  const [freezes, windows] = await Promise.all([
    db.freeze.findMany({ where: { startsAt: { lte: now }, endsAt: { gt: now } }, orderBy: { endsAt: "desc" } }),
    db.maintenanceWindow.findMany(),
  ]);
  const open: BlastFacts["windows"] = [];
  for (const w of windows) {
    const on = cells.filter((c) => w.scope === c.id || w.scope === `tier:${c.tier}`);
    const byEnd = new Map<number, string[]>();
    for (const c of on) {
      const o = windowAt([w], zoneOf(c.region), now);
      if (o?.inside) byEnd.set(o.end.getTime(), [...(byEnd.get(o.end.getTime()) ?? []), c.id]);
    }
    for (const [end, list] of byEnd) open.push({ id: w.id.toString(), scope: w.scope, cells: list, end: new Date(end) });
  }
  return { freezes: freezes.map((f) => ({ id: f.id.toString(), endsAt: f.endsAt, reason: f.reason })), windows: open };
}

async function customersIn(db: Reader, cells: readonly string[]): Promise<BlastCustomer[]> {
  if (cells.length === 0) return [];
  const rows = await db.customer.findMany({
    where: { homeCellId: { in: [...cells] } },
    select: { id: true, name: true, plan: true, homeCellId: true },
    orderBy: { id: "asc" },
  });
  return rows.map((r) => ({ id: r.id, name: r.name, plan: r.plan, cell: r.homeCellId }));
}

interface Reach {
  cells: BlastCell[];
  customers: BlastCustomer[];
  self?: BlastFacts["self"];
}

const pick = (all: CellRef[], ids: Iterable<string>) => {
  const want = new Set(ids);
  return all.filter((c) => want.has(c.id));
};

async function releaseReach(db: Reader, t: Extract<BlastTarget, { kind: "release" }>, all: CellRef[]): Promise<Reach> {
  const pipeline = await db.pipeline.findUnique({ where: { id: t.pipeline } });
  if (!pipeline) throw new DomainError("NOT_FOUND", `no pipeline "${t.pipeline}"`, { pipeline: ["unknown pipeline"] });
  const fleet = await db.cell.findMany({ select: { id: true, tier: true, status: true } });
  const cells = pick(
    all,
    planWaves(parsePipelineSpec(pipeline.spec, pipeline.id), fleet).flatMap((w) => w.cells),
  );
  return {
    cells,
    customers: await customersIn(
      db,
      cells.map((c) => c.id),
    ),
  };
}

/** A flag's new percentage reaches the cells whose state changes, and the customers whose answer changes. */
async function flagReach(db: Reader, t: Extract<BlastTarget, { kind: "flag" }>, all: CellRef[], now: Date): Promise<Reach> {
  const flag = (await listFlags(db)).find((f) => f.key === t.key);
  if (!flag) throw new DomainError("NOT_FOUND", `There is no flag "${t.key}".`);
  const homes = await homesOf(db, flag.allowlist);
  const before = flagCellStates(flag, all, homes, now);
  const after = flagCellStates({ ...flag, rolloutPercentage: t.percentage, percentageSetAt: now }, all, homes, now);
  const changed = all.filter((c) => {
    const b = before.get(c.id),
      a = after.get(c.id);
    return (b?.percentage ?? 0) !== (a?.percentage ?? 0);
  });
  const allow = new Set(flag.allowlist);
  const customers = (
    await customersIn(
      db,
      changed.map((c) => c.id),
    )
  ).filter((c) => {
    if (allow.has(c.id)) return false;
    const b = bucketOf(flag.salt || flag.key, c.id);
    const lo = Math.min(before.get(c.cell)?.percentage ?? 0, after.get(c.cell)?.percentage ?? 0);
    const hi = Math.max(before.get(c.cell)?.percentage ?? 0, after.get(c.cell)?.percentage ?? 0);
    return b > lo && b <= hi;
  });
  return { cells: changed, customers, self: { flag: flag.key } };
}

async function migrationReach(db: Reader, t: Extract<BlastTarget, { kind: "migration" }>, all: CellRef[]): Promise<Reach> {
  const run = await db.schemaMigrationRun.findUnique({ where: { id: t.id }, select: { id: true, doc: true } });
  if (!run) throw new DomainError("NOT_FOUND", `no migration ${t.id}`);
  const step = parseRunDoc(run.doc, run.id).phases[t.phase]?.steps[t.step];
  if (!step) throw new DomainError("NOT_FOUND", `migration ${t.id} has no step ${t.phase}.${t.step}`);
  const cells = pick(all, step.cells);
  return { cells, customers: await customersIn(db, step.cells), self: { migration: run.id } };
}

async function fleetReach(db: Reader, t: Extract<BlastTarget, { kind: "fleet" }>, all: CellRef[]): Promise<Reach> {
  const spec = parseFleetYaml(t.yaml, await serviceCatalogue(db));
  const diff = diffFleet(await readRegistry(db), spec);
  const ids = new Set([...diff.added, ...diff.removed].map((c) => c.id).concat(diff.changed.map((c) => c.id)));
  const known = pick(all, ids);
  const added = diff.added.filter((c) => !known.some((k) => k.id === c.id)).map((c) => ({ id: c.id, tier: c.tier, region: c.region }));
  return { cells: [...known, ...added], customers: await customersIn(db, [...ids]) };
}

async function reachOf(db: Reader, target: BlastTarget, now: Date): Promise<Reach> {
  const all = await liveCells(db);
  switch (target.kind) {
    case "release":
      return releaseReach(db, target, all);
    case "flag":
      return flagReach(db, target, all, now);
    case "route":
      // One switch at the edge: every cell's traffic for that route, every customer.
      return {
        cells: all,
        customers: await customersIn(
          db,
          all.map((c) => c.id),
        ),
      };
    case "migration":
      return migrationReach(db, target, all);
    case "fleet":
      return fleetReach(db, target, all);
  }
}

/** The blast radius of `target` as things stand at `now`. */
export async function loadBlastRadius(db: Reader, target: BlastTarget, now: Date): Promise<BlastRadius> {
  const reach = await reachOf(db, target, now);
  const [force, flight] = await Promise.all([inForce(db, reach.cells, now), inFlight(db, now)]);
  return blastRadius({ ...reach, ...force, inFlight: flight });
}

const targetId = (t: BlastTarget) =>
  t.kind === "release"
    ? `${t.pipeline}: ${Object.entries(t.versions)
        .map(([s, v]) => `${s} ${v}`)
        .join(", ")}`
    : t.kind === "flag"
      ? t.key
      : t.kind === "route"
        ? t.route
        : t.kind === "migration"
          ? `${t.id}#${t.phase}.${t.step}`
          : "fleet";

/**
 * The confirming click of a change whose preview showed `seen` (warning keys): computed again now;
 * a warning the click did not see refuses the change (PRECONDITION, nothing written). Returns the
 * audit event recording what was shown, for the change's door to write with it. `seen` undefined:
 * the caller showed no preview (the HTTP API, the CLI) — nothing to check or record.
 */
export async function confirmBlastRadius(
  tx: Tx,
  target: BlastTarget,
  seen: readonly string[] | undefined,
  now: Date,
): Promise<AuditInput[]> {
  if (seen === undefined) return [];
  const radius = await loadBlastRadius(tx, target, now);
  const missed = unseen(radius, seen);
  if (missed.length)
    throw new DomainError(
      "PRECONDITION",
      `The blast radius changed since you looked: ${missed.map((w) => w.message).join(" ")} Review it and confirm again; nothing was changed.`,
      { seenWarnings: missed.map((w) => w.message) },
    );
  return [{ action: "blast_radius.confirm", targetType: target.kind, targetId: targetId(target), after: confirmation(radius, seen) }];
}
