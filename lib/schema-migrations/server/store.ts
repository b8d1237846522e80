// Migration runs in PostgreSQL. Every transition — by the ticker or a person — is one run of the
// transition skeleton (lib/transitions/server/transition.ts) in one transaction: lock the run row
// (FOR UPDATE), read its cells, run the pure machine, write the changed cells (each guarded by the
// status it was read with), perform the effects, persist the document (guarded by `version`) and
// return the audit events for the caller's door to write in that transaction. Two tickers or two
// clicks therefore apply a transition once, and the parallel limit holds. `migrationMachine` is
// what is particular to migrations.
import fs from "node:fs";
import path from "node:path";
import type { Audited, AuditInput } from "@/lib/audit/events";
import { recordDecision } from "@/lib/approvals/server/store";
import type { Db, Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { commandRelease } from "@/lib/rollouts/server/release-store";
import { startRelease } from "@/lib/rollouts/server/start";
import { type Machine, pass, tick, transition } from "@/lib/transitions/server/transition";
import {
  command as machineCommand,
  isActive,
  MachineError,
  newRun,
  start as machineStart,
  tick as machineTick,
  type CellPhase,
  type Cells,
  type CellStatus,
  type Command,
  type Effect,
  type Observations,
  type RunDoc,
  type RunState,
} from "../machine";
import { parseManifestYaml, scriptPaths, type FleetCell } from "../manifest";
import { parseBackfillScript } from "../backfill-script";
import { parseReleaseDoc } from "@/lib/rollouts/release-doc";
import { parseRunDoc, parseStoredSpec, type StoredSpec } from "../run-doc";

export type { StoredSpec } from "../run-doc";

/** Scripts named in a manifest resolve against this folder (the repository's examples/). */
export const scriptsRoot = (root: string) => path.join(root, "examples");

export function readScripts(text: string, root: string): Record<string, string | null> {
  const base = scriptsRoot(root);
  return Object.fromEntries(
    scriptPaths(text).map((p) => {
      const abs = path.resolve(base, p);
      const inside = abs.startsWith(base + path.sep);
      return [p, inside && fs.existsSync(abs) && fs.statSync(abs).isFile() ? fs.readFileSync(abs, "utf8") : null];
    }),
  );
}

export async function manifestContext(tx: Tx | Db) {
  const [cells, pipelines, services] = await Promise.all([
    tx.cell.findMany({ where: { status: { not: "retired" } }, select: { id: true, tier: true } }),
    tx.pipeline.findMany({ select: { id: true } }),
    tx.service.findMany({ select: { id: true }, orderBy: { sortOrder: "asc" } }),
  ]);
  return { fleet: cells as FleetCell[], pipelines: pipelines.map((p) => p.id), services: services.map((s) => s.id) };
}

export interface Preview {
  spec: StoredSpec;
  warnings: string[];
  direct: string[];
  agent: string[];
}

/** Parse a manifest against the fleet (throws SpecValidationError) and say how it would run. */
export async function previewManifest(tx: Tx | Db, text: string, root: string): Promise<Preview> {
  const scripts = readScripts(text, root);
  const spec = parseManifestYaml(text, { ...(await manifestContext(tx)), scripts });
  const dbs = await tx.cellDatabase.findMany({ select: { cellId: true } });
  const direct = spec.cells.filter((c) => dbs.some((d) => d.cellId === c));
  const agent = spec.cells.filter((c) => !direct.includes(c));
  const warnings: string[] = [];
  for (const p of spec.phases) {
    if (p.type !== "data") continue;
    const plan = parseBackfillScript(p.script, scripts[p.script] ?? null);
    if (typeof plan === "string" && direct.length)
      warnings.push(`${p.name}: ${plan}. In direct mode (${direct.length} cells) this phase will be refused.`);
  }
  if (agent.length)
    warnings.push(
      `${agent.length} cell${agent.length === 1 ? "" : "s"} have no database connection and run in agent mode: ${agent.join(", ")}`,
    );
  return { spec: { ...spec, scripts }, warnings, direct, agent };
}

/** Store a manifest as a ready run. Re-importing the same id replaces it while it has not started. */
export async function importManifest(
  tx: Tx,
  text: string,
  actor: string,
  root: string,
  now: Date,
): Promise<Audited<Preview & { created: boolean }>> {
  const preview = await previewManifest(tx, text, root);
  const { spec } = preview;
  const existing = await tx.$queryRaw<{ status: string }[]>`SELECT status FROM schema_migration_runs WHERE id = ${spec.id} FOR UPDATE`;
  if (existing[0] && existing[0].status !== "ready")
    throw new DomainError(
      "CONFLICT",
      `migration ${spec.id} has already started (${existing[0].status.replace("_", " ")}); a started migration cannot be replaced`,
    );
  const state = newRun(spec);
  if (existing[0]) await tx.migrationCell.deleteMany({ where: { runId: spec.id } });
  const data = {
    description: spec.description,
    source: text,
    spec: spec as unknown as Prisma.InputJsonValue,
    doc: state.doc as unknown as Prisma.InputJsonValue,
    status: "ready",
    currentPhase: spec.phases[0]?.name ?? null,
    importedBy: actor,
    importedAt: now,
    updatedAt: now,
  };
  if (existing[0]) await tx.schemaMigrationRun.update({ where: { id: spec.id }, data: { ...data, version: { increment: 1 } } });
  else await tx.schemaMigrationRun.create({ data: { id: spec.id, ...data } });
  await tx.migrationCell.createMany({
    data: spec.cells.flatMap((cellId) => spec.phases.map((p) => ({ runId: spec.id, cellId, phase: p.name, updatedAt: now }))),
  });
  const imported: AuditInput = {
    action: existing[0] ? "migration.reimport" : "migration.import",
    targetType: "migration",
    targetId: spec.id,
    after: {
      description: spec.description,
      phases: spec.phases.map((p) => `${p.name}:${p.type}`),
      cells: spec.cells.length,
      warnings: preview.warnings,
    },
  };
  return { data: { ...preview, created: !existing[0] }, audit: [imported] };
}

type Locked = {
  id: string;
  version: number;
  doc: RunDoc;
  spec: StoredSpec;
  state: RunState;
  rows: Map<string, CellPhase & { status: CellStatus }>;
};

const cellKey = (cell: string, phase: string) => `${cell}\u0000${phase}`;

async function readCells(db: Db | Tx, id: string): Promise<{ cells: Cells; rows: Locked["rows"] }> {
  const rows = await db.migrationCell.findMany({ where: { runId: id } });
  const cells: Cells = {};
  const map: Locked["rows"] = new Map();
  for (const r of rows) {
    const c: CellPhase = {
      status: r.status as CellStatus,
      rowsDone: Number(r.rowsDone),
      rowsTotal: r.rowsTotal === null ? null : Number(r.rowsTotal),
      rate: r.rate,
      checkpoint: r.lastCheckpoint,
      error: r.error,
    };
    (cells[r.cellId] ??= {})[r.phase] = c;
    map.set(cellKey(r.cellId, r.phase), { ...c });
  }
  return { cells, rows: map };
}

async function lock(tx: Tx, id: string): Promise<Locked | null> {
  const rows = await tx.$queryRaw<{ id: string; version: number; doc: unknown; spec: unknown }[]>`
    SELECT id, version, doc, spec FROM schema_migration_runs WHERE id = ${id} FOR UPDATE`;
  const r = rows[0];
  if (!r) return null;
  const { cells, rows: map } = await readCells(tx, id);
  const doc = parseRunDoc(r.doc, r.id);
  return { id: r.id, version: r.version, doc, spec: parseStoredSpec(r.spec, r.id), state: { doc, cells }, rows: map };
}

/** What the machine needs besides its own state: the releases of deployment phases. */
async function observe(tx: Tx, doc: RunDoc): Promise<Observations> {
  const ids = doc.phases.flatMap((p) => [p.releaseId, p.rollbackReleaseId]).filter((x): x is string => !!x);
  const rels = ids.length ? await tx.release.findMany({ where: { id: { in: ids } }, select: { id: true, status: true, doc: true } }) : [];
  return {
    releases: Object.fromEntries(
      rels.map((r) => {
        const d = parseReleaseDoc(r.doc, r.id);
        return [
          r.id,
          {
            status: r.status as Observations["releases"][string]["status"],
            passedCells: d.waves.filter((w) => w.state === "PASSED").flatMap((w) => w.cells),
          },
        ];
      }),
    ),
  };
}

async function writeCells(tx: Tx, locked: Locked, next: Cells, now: Date) {
  for (const [cell, byPhase] of Object.entries(next)) {
    for (const [phase, c] of Object.entries(byPhase)) {
      const old = locked.rows.get(cellKey(cell, phase));
      if (!old || (old.status === c.status && old.error === c.error)) continue;
      const n = await tx.$executeRaw`
        UPDATE migration_cells SET status = ${c.status}::text, error = ${c.error},
               started_at = CASE WHEN ${c.status}::text = 'running' AND started_at IS NULL THEN ${now}::timestamptz ELSE started_at END,
               finished_at = CASE WHEN ${c.status}::text IN ('complete', 'failed', 'rolled_back', 'stopped') THEN ${now}::timestamptz ELSE NULL END,
               updated_at = ${now}::timestamptz
         WHERE run_id = ${locked.id} AND cell_id = ${cell} AND phase = ${phase} AND status = ${old.status}`;
      if (n !== 1) throw new DomainError("CONFLICT", `cell ${cell} changed meanwhile in ${phase}; try again`);
    }
  }
}

async function persist(tx: Tx, locked: Locked, doc: RunDoc, now: Date) {
  const n = await tx.schemaMigrationRun.updateMany({
    where: { id: locked.id, version: locked.version },
    data: {
      doc: doc as unknown as Prisma.InputJsonValue,
      status: doc.status,
      currentPhase: doc.phases[Math.min(doc.current, doc.phases.length - 1)]?.name ?? null,
      startedBy: doc.startedBy,
      startedAt: doc.startedAt ? new Date(doc.startedAt) : null,
      finishedAt: doc.status === "succeeded" || doc.status === "rolled_back" ? now : null,
      updatedAt: now,
      version: { increment: 1 },
    },
  });
  if (n.count !== 1) throw new DomainError("CONFLICT", "the migration changed meanwhile; try again");
}

/**
 * Perform the machine's effects; release ids it starts are written back into the document. Returns
 * the audit events: those of the releases it starts or aborts first, then its own.
 */
async function perform(
  tx: Tx,
  id: string,
  doc: RunDoc,
  effects: Effect[],
  actor: string,
  now: Date,
  timeScale: number,
): Promise<AuditInput[]> {
  const releases: AuditInput[] = [];
  const audits: AuditInput[] = [];
  for (const e of effects) {
    switch (e.kind) {
      case "startRelease": {
        const p = doc.phases[e.phase]!;
        const active = await tx.release.findFirst({
          where: { status: { in: ["running", "awaiting_approval", "paused"] } },
          select: { id: true, versions: true },
        });
        if (active && e.service in (active.versions as Record<string, string>)) {
          p.waiting = `waiting for release ${active.id} of ${e.service} to finish before ${e.service} ${e.version} can roll`;
          break;
        }
        const prev = await tx.$queryRaw<
          { v: string | null }[]
        >`SELECT mode() WITHIN GROUP (ORDER BY desired_version) AS v FROM cell_services WHERE service_id = ${e.service}`;
        // The migration's starter is the release's starter, so four-eyes holds on its gates too.
        const r = await startRelease(
          tx,
          { pipeline: e.pipeline, versions: { [e.service]: e.version }, title: `${e.service} ${e.version} — migration ${id} (${p.name})` },
          doc.startedBy ?? `migration:${id}`,
          now,
        );
        releases.push(...r.audit);
        p.releaseId = r.data.id;
        p.previousVersion = prev[0]?.v ?? null;
        p.waiting = null;
        audits.push({
          action: "migration.release",
          targetType: "migration",
          targetId: id,
          after: { phase: p.name, release: r.data.id, version: e.version, previous: p.previousVersion },
        });
        break;
      }
      case "rollbackRelease": {
        const p = doc.phases[e.phase]!;
        const rel = await tx.release.findUnique({ where: { id: e.releaseId }, select: { status: true } });
        if (rel && ["running", "awaiting_approval", "paused"].includes(rel.status)) {
          // Still rolling: abort it here; waves already deployed are restored by a release of the previous version.
          const aborted = await commandRelease(
            tx,
            e.releaseId,
            { kind: "abort", by: actor, reason: `migration ${id} rolled back` },
            actor,
            now,
            timeScale,
          );
          releases.push(...aborted.audit);
        }
        if (!e.version) {
          p.rollbackReleaseId = e.releaseId;
          break;
        }
        const r = await startRelease(
          tx,
          {
            pipeline: e.pipeline,
            versions: { [e.service]: e.version },
            title: `${e.service} ${e.version} — rollback of migration ${id} (${p.name})`,
          },
          `migration:${id}`,
          now,
        ).catch((err) => {
          if (err instanceof DomainError && err.code === "CONFLICT") return null;
          throw err;
        });
        if (!r) {
          p.waiting = `waiting to start the rollback release of ${e.service} ${e.version}`;
          break;
        }
        releases.push(...r.audit);
        p.rollbackReleaseId = r.data.id;
        audits.push({
          action: "migration.release_rollback",
          targetType: "migration",
          targetId: id,
          after: { phase: p.name, release: r.data.id, restores: `${e.service} ${e.version}` },
        });
        break;
      }
      case "event":
        audits.push({
          action: e.action,
          targetType: "migration",
          targetId: id,
          after: { detail: e.detail, phase: e.phase, cells: e.cells },
        });
        break;
    }
  }
  return [...releases, ...audits];
}

/** A migration run as the transition skeleton drives it: the machine, its cells, its effects. */
export function migrationMachine(timeScale: number): Machine<Locked, RunState, Effect> {
  return {
    noun: "migration",
    lock,
    live: (l) => isActive(l.doc.status),
    settles: () => true,
    pass: async (tx, _l, state, now) => machineTick(state, await observe(tx, state.doc), now),
    refuse: (e) => {
      if (e instanceof MachineError) throw new DomainError(e.code === "FORBIDDEN" ? "PRECONDITION" : e.code, e.message);
      throw e;
    },
    // Effects first: a release a phase starts writes its id into the document that is then persisted.
    commit: async (tx, l, step, actor, now) => {
      await writeCells(tx, l, step.state.cells, now);
      const audits = await perform(tx, l.id, step.state.doc, step.effects, actor, now, timeScale);
      await persist(tx, l, step.state.doc, now);
      return audits;
    },
  };
}

/** One ticker pass over a run in `tx`. Its data: whether anything changed. */
export function stepRun(tx: Tx, id: string, now: Date, timeScale = 1): Promise<Audited<boolean>> {
  return pass(tx, migrationMachine(timeScale), id, now);
}

/** One ticker pass over a run, in a transaction of its own, audited as the ticker. Returns whether anything changed. */
export function tickRun(db: Db, id: string, now: Date, timeScale = 1): Promise<boolean> {
  return tick(db, migrationMachine(timeScale), id, now);
}

/** Start a ready run at a speed (waits are divided by it); then one pass so canary starts at once. */
export async function startRun(tx: Tx, id: string, actor: string, now: Date, timeScale: number) {
  const { data, audit } = await transition(
    tx,
    migrationMachine(timeScale),
    id,
    { decide: (state) => machineStart(state, actor, now, timeScale) },
    actor,
    now,
  );
  return { data: { id, status: data.after.doc.status }, audit };
}

/** A person's command (approve, reject, rollback, rollbackCell, retry), then one machine pass. */
export async function commandRun(tx: Tx, id: string, cmd: Command, actor: string, now: Date, timeScale = 1) {
  const { data, audit } = await transition(
    tx,
    migrationMachine(timeScale),
    id,
    {
      decide: (state) => machineCommand(state, cmd, now),
      record:
        cmd.kind === "approve" || cmd.kind === "reject"
          ? (tx) =>
              recordDecision(
                tx,
                { kind: "migration", id, phase: cmd.phase, step: cmd.step },
                { decision: cmd.kind, comment: cmd.comment },
                actor,
                now,
              )
          : undefined,
    },
    actor,
    now,
  );
  return { data: { before: data.before.doc.status, after: data.after.doc.status }, audit };
}

export async function activeRunIds(db: Db): Promise<string[]> {
  const rows = await db.schemaMigrationRun.findMany({
    where: { status: { in: ["running", "awaiting_approval", "rolling_back"] } },
    select: { id: true },
    orderBy: { startedAt: "asc" },
  });
  return rows.map((r) => r.id);
}

export async function loadRun(
  db: Db | Tx,
  id: string,
): Promise<{ state: RunState; spec: StoredSpec; row: { importedBy: string; importedAt: Date; updatedAt: Date } } | null> {
  const row = await db.schemaMigrationRun.findUnique({ where: { id } });
  if (!row) return null;
  const { cells } = await readCells(db, id);
  return { state: { doc: parseRunDoc(row.doc, id), cells }, spec: parseStoredSpec(row.spec, id), row };
}
