// Direct mode, driven by the ticker: for every cell-phase the orchestrator marked running (or
// rolling back) whose cell has a database connection, do the next piece of work against that
// database — a schema script, its inverse, or one backfill batch — and mirror the outcome into
// migration_cells. Each piece is idempotent (see direct.ts), so a repeated pass is harmless.
import pg from "pg";
import type { Db } from "@/lib/db/client";
import { deriveInverse } from "../manifest";
import { parseBackfillScript } from "../backfill-script";
import { applySchema, backfillBatch, revertSchema } from "./direct";
import { parseStoredSpec } from "../run-doc";

const pools = new Map<string, pg.Pool>();

/** One small pool per cell database, kept for the life of the process. */
export function cellPool(url: string): pg.Pool {
  let p = pools.get(url);
  if (!p) {
    p = new pg.Pool({ connectionString: url, max: 2, application_name: "cellplane-migrations", idleTimeoutMillis: 30_000 });
    p.on("error", () => {});
    pools.set(url, p);
  }
  return p;
}

export async function closeCellPools() {
  await Promise.all([...pools.values()].map((p) => p.end().catch(() => {})));
  pools.clear();
}

interface Work {
  run_id: string;
  cell_id: string;
  phase: string;
  status: "running" | "rolling_back";
  started_at: Date | null;
  url: string;
  /** The run's stored spec (`schema_migration_runs.spec`), parsed by the piece of work that uses it. */
  spec: unknown;
}

const errText = (e: unknown) =>
  String((e as Error).message ?? e)
    .split("\n")[0]!
    .slice(0, 500);

async function mark(db: Db, w: Work, to: "complete" | "failed" | "rolled_back", now: Date, extra: { error?: string | null } = {}) {
  await db.$executeRaw`
    UPDATE migration_cells SET status = ${to}::text, error = ${extra.error ?? null}, finished_at = ${now}::timestamptz, updated_at = ${now}::timestamptz
     WHERE run_id = ${w.run_id} AND cell_id = ${w.cell_id} AND phase = ${w.phase} AND status = ${w.status}`;
}

/** One pass over every direct-mode cell with work. Returns how many pieces of work ran. */
export async function runDirectPass(db: Db, now: () => Date = () => new Date()): Promise<number> {
  const work = await db.$queryRaw<Work[]>`
    SELECT mc.run_id, mc.cell_id, mc.phase, mc.status, mc.started_at, cd.url, r.spec
      FROM migration_cells mc
      JOIN schema_migration_runs r ON r.id = mc.run_id
      JOIN cell_databases cd ON cd.cell_id = mc.cell_id
     WHERE mc.status IN ('running', 'rolling_back') AND r.status IN ('running', 'awaiting_approval', 'rolling_back')
     ORDER BY mc.started_at NULLS LAST, mc.cell_id`;
  await Promise.all(
    work.map((w) => runOne(db, w, now).catch((e) => console.error(`[migrations] ${w.run_id} ${w.cell_id} ${w.phase}: ${errText(e)}`))),
  );
  return work.length;
}

async function runOne(db: Db, w: Work, now: () => Date) {
  const spec = parseStoredSpec(w.spec, w.run_id);
  const phase = spec.phases.find((p) => p.name === w.phase);
  if (!phase || phase.type === "deployment") return;
  const client = await cellPool(w.url)
    .connect()
    .catch(async (e) => {
      await mark(db, w, "failed", now(), { error: `cannot connect to the cell database: ${errText(e)}` });
      return null;
    });
  if (!client) return;
  try {
    if (phase.type === "schema") {
      if (w.status === "rolling_back") {
        const inverse = phase.rollbackScript ? spec.scripts[phase.rollbackScript] : deriveInverse(spec.scripts[phase.script] ?? "");
        if (!inverse)
          return await mark(db, w, "failed", now(), { error: `no rollback_script, and the inverse of ${phase.script} cannot be derived` });
        try {
          await revertSchema(client, w.run_id, w.phase, inverse);
          await mark(db, w, "rolled_back", now());
        } catch (e) {
          await mark(db, w, "failed", now(), { error: `rollback failed: ${errText(e)}` });
        }
        return;
      }
      const sql = spec.scripts[phase.script];
      if (!sql) return await mark(db, w, "failed", now(), { error: `no such script: ${phase.script}` });
      try {
        await applySchema(client, w.run_id, w.phase, sql);
        await mark(db, w, "complete", now());
      } catch (e) {
        await mark(db, w, "failed", now(), { error: errText(e) });
      }
      return;
    }
    // A backfill: one batch per pass, so progress is visible and the ticker stays responsive.
    if (w.status !== "running") return;
    const plan = parseBackfillScript(phase.script, spec.scripts[phase.script] ?? null);
    if (typeof plan === "string") return await mark(db, w, "failed", now(), { error: plan });
    let r;
    try {
      r = await backfillBatch(client, w.run_id, w.phase, plan, phase.checkpointInterval);
    } catch (e) {
      return await mark(db, w, "failed", now(), { error: errText(e) });
    }
    const t = now();
    const elapsed = w.started_at ? (t.getTime() - new Date(w.started_at).getTime()) / 1000 : 0;
    const rate = elapsed > 0 ? r.rowsDone / elapsed : null;
    await db.$executeRaw`
      UPDATE migration_cells SET rows_done = ${BigInt(r.rowsDone)}, rows_total = ${BigInt(r.rowsTotal)}, last_checkpoint = ${r.checkpoint}, rate = ${rate},
             status = CASE WHEN ${r.done}::boolean THEN 'complete' ELSE status END, finished_at = CASE WHEN ${r.done}::boolean THEN ${t}::timestamptz ELSE finished_at END, updated_at = ${t}::timestamptz
       WHERE run_id = ${w.run_id} AND cell_id = ${w.cell_id} AND phase = ${w.phase} AND status = 'running'`;
  } finally {
    client.release();
  }
}
