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
import { DUE_FOR_A_PASS, persistVersioned } from "@/lib/transitions/server/stored-row";
import { type Machine, pass, tick, transition } from "@/lib/transitions/server/transition";
import {
  command as machineCommand,
  type Command,
  type Effect,
  isActive,
  MachineError,
  newRun,
  type RunDoc,
  type RunState,
  start as machineStart,
  tick as machineTick,
} from "../machine";
import { type FleetCell, parseManifestYaml, scriptPaths } from "../manifest";
import { parseBackfillScript } from "../backfill-script";
import { parseRunDoc, parseStoredSpec, type StoredSpec } from "../run-doc";
import { type CellRows, readCells, writeCells } from "./cell-rows";
import { perform } from "./effects";
import { observe } from "./observe";

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

/** Scripts Cellplane runs itself: SQL, on cells it reaches (direct mode). Others are handed to the cells' agents. */
const runsItself = (script: string, direct: string[]) => /\.sql$/i.test(script) && direct.length > 0;

/**
 * Parse a manifest against the fleet (throws SpecValidationError) and say how it would run. A script
 * Cellplane will not run itself (a non-SQL backfill, or any script when no cell is in direct mode) need
 * not exist here: it is recorded by path, for the agents' assignments.
 */
export async function previewManifest(tx: Tx | Db, text: string, root: string): Promise<Preview> {
  const found = readScripts(text, root);
  const dbs = await tx.cellDatabase.findMany({ select: { cellId: true } });
  const ids = new Set(dbs.map((d) => d.cellId));
  const checked = Object.fromEntries(Object.entries(found).filter(([p, t]) => t !== null || runsItself(p, [...ids])));
  const spec = parseManifestYaml(text, { ...(await manifestContext(tx)), scripts: checked });
  const direct = spec.cells.filter((c) => ids.has(c));
  const agent = spec.cells.filter((c) => !ids.has(c));
  const warnings: string[] = [];
  for (const p of spec.phases) {
    if (p.type !== "data") continue;
    const plan = parseBackfillScript(p.script, found[p.script] ?? null);
    if (typeof plan === "string" && direct.length)
      warnings.push(`${p.name}: ${plan}. In direct mode (${direct.length} cells) this phase will be refused.`);
  }
  const absent = Object.keys(found).filter((p) => found[p] === null);
  if (absent.length) warnings.push(`not found here, recorded by path for the cells' agents: ${absent.join(", ")}`);
  if (agent.length)
    warnings.push(
      `${agent.length} cell${agent.length === 1 ? "" : "s"} have no database connection and run in agent mode: ${agent.join(", ")}`,
    );
  return { spec: { ...spec, scripts: found }, warnings, direct, agent };
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
  rows: CellRows;
};

async function lock(tx: Tx, id: string): Promise<Locked | null> {
  const rows = await tx.$queryRaw<{ id: string; version: number; doc: unknown; spec: unknown }[]>`
    SELECT id, version, doc, spec FROM schema_migration_runs WHERE id = ${id} FOR UPDATE`;
  const r = rows[0];
  if (!r) return null;
  const { cells, rows: map } = await readCells(tx, id);
  const doc = parseRunDoc(r.doc, r.id);
  return { id: r.id, version: r.version, doc, spec: parseStoredSpec(r.spec, r.id), state: { doc, cells }, rows: map };
}

function persist(tx: Tx, locked: Locked, doc: RunDoc, now: Date) {
  const columns = {
    currentPhase: doc.phases[Math.min(doc.current, doc.phases.length - 1)]?.name ?? null,
    startedBy: doc.startedBy,
    startedAt: doc.startedAt ? new Date(doc.startedAt) : null,
    finishedAt: doc.status === "succeeded" || doc.status === "rolled_back" ? now : null,
  };
  return persistVersioned("migration", (args) => tx.schemaMigrationRun.updateMany(args), locked, doc, columns, now);
}

/** A migration run as the transition skeleton drives it: the machine, its cells, its effects. */
export function migrationMachine(): Machine<Locked, RunState, Effect> {
  return {
    noun: "migration",
    lock,
    live: (l) => isActive(l.doc.status),
    settles: () => true,
    pass: async (tx, l, state, now) => machineTick(state, await observe(tx, l.id, state, now), now),
    refuse: (e) => {
      if (e instanceof MachineError) throw new DomainError(e.code === "FORBIDDEN" ? "PRECONDITION" : e.code, e.message);
      throw e;
    },
    // Effects first: a release a phase starts writes its id into the document that is then persisted.
    commit: async (tx, l, step, actor, now) => {
      await writeCells(tx, l.id, l.rows, step.state.cells, now);
      const audits = await perform(tx, l.id, step.state.doc, step.effects, actor, now);
      await persist(tx, l, step.state.doc, now);
      return audits;
    },
  };
}

// A run has one clock: its own speed, recorded at start, divides its waits and the bakes of the
// releases its deployment phases start; the server's time scale only chooses the default speed.

/** One ticker pass over a run in `tx`. Its data: whether anything changed. */
export function stepRun(tx: Tx, id: string, now: Date): Promise<Audited<boolean>> {
  return pass(tx, migrationMachine(), id, now);
}

/** One ticker pass over a run, in a transaction of its own, audited as the ticker. Returns whether anything changed. */
export function tickRun(db: Db, id: string, now: Date): Promise<boolean> {
  return tick(db, migrationMachine(), id, now);
}

/** Start a ready run at a speed (its waits and its releases' bakes are divided by it); then one pass so canary starts at once. */
export async function startRun(tx: Tx, id: string, actor: string, now: Date, timeScale: number) {
  const { data, audit } = await transition(
    tx,
    migrationMachine(),
    id,
    { decide: (state) => machineStart(state, actor, now, timeScale) },
    actor,
    now,
  );
  return { data: { id, status: data.after.doc.status }, audit };
}

/** A person's command (approve, reject, rollback, rollbackCell, retry), then one machine pass. */
export async function commandRun(tx: Tx, id: string, cmd: Command, actor: string, now: Date) {
  const { data, audit } = await transition(
    tx,
    migrationMachine(),
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
  return (await db.schemaMigrationRun.findMany(DUE_FOR_A_PASS)).map((r) => r.id);
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
