// Direct mode, driven by the ticker: for every cell-phase the orchestrator marked running (or
// rolling back) whose cell has a database connection, do the next piece of work against that
// database — a schema script, its inverse, or one backfill batch — and mirror the outcome into
// migration_cells. Each piece is idempotent (see direct.ts), so a repeated pass is harmless. Before
// the work, each direct cell's schema is checked (./schema-check.ts); after a backfill's last batch, it
// is verified by counting its own predicate, and counted again while rows are left.
import pg from "pg";
import type { Db } from "@/lib/db/client";
import { deriveInverse } from "../manifest";
import { type BackfillPlan, parseBackfillScript } from "../backfill-script";
import { applySchema, backfillBatch, countRemaining, type Precheck, revertSchema } from "./direct";
import { parseStoredSpec, type StoredSpec } from "../run-doc";
import { checkSchemas } from "./schema-check";

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

/** How often a backfill with rows left is counted again (it may be put right by other means). */
const REVERIFY_MS = 5_000;

interface Work {
  run_id: string;
  cell_id: string;
  phase: string;
  status: "running" | "rolling_back" | "complete";
  started_at: Date | null;
  updated_at: Date;
  verified_at: Date | null;
  held: string | null;
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

/** One pass: check the direct cells' schemas, then every direct-mode cell with work. Returns how many pieces of work ran. */
export async function runDirectPass(db: Db, now: () => Date = () => new Date()): Promise<number> {
  await checkSchemas(db, now(), cellPool).catch((e) => console.error(`[migrations] schema check: ${errText(e)}`));
  const work = await db.$queryRaw<Work[]>`
    SELECT mc.run_id, mc.cell_id, mc.phase, mc.status, mc.started_at, mc.updated_at, mc.verified_at, mc.held, cd.url, r.spec
      FROM migration_cells mc
      JOIN schema_migration_runs r ON r.id = mc.run_id
      JOIN cell_databases cd ON cd.cell_id = mc.cell_id
     WHERE r.status IN ('running', 'awaiting_approval', 'rolling_back')
       AND (mc.status IN ('running', 'rolling_back')
            OR (mc.status = 'complete' AND mc.rows_total IS NOT NULL AND mc.remaining IS DISTINCT FROM 0))
     ORDER BY mc.started_at NULLS LAST, mc.cell_id`;
  await Promise.all(
    work.map((w) => runOne(db, w, now).catch((e) => console.error(`[migrations] ${w.run_id} ${w.cell_id} ${w.phase}: ${errText(e)}`))),
  );
  return work.length;
}

async function runOne(db: Db, w: Work, now: () => Date) {
  const spec = parseStoredSpec(w.spec, w.run_id);
  const i = spec.phases.findIndex((p) => p.name === w.phase);
  const phase = spec.phases[i];
  if (!phase || phase.type === "deployment") return;
  if (phase.type === "data" && w.status === "complete" && w.verified_at && now().getTime() - w.verified_at.getTime() < REVERIFY_MS) return;
  if (phase.type === "data" && w.status === "running" && (w.held || throttled(w, phase.checkpointInterval, phase.maxRowsPerSecond, now())))
    return;
  const client = await cellPool(w.url)
    .connect()
    .catch(async (e) => {
      if (w.status !== "complete") await mark(db, w, "failed", now(), { error: `cannot connect to the cell database: ${errText(e)}` });
      return null;
    });
  if (!client) return;
  try {
    if (phase.type === "schema") return await schemaWork(db, w, spec, i, client, now);
    const plan = parseBackfillScript(phase.script, spec.scripts[phase.script] ?? null);
    if (typeof plan === "string") return w.status === "running" ? await mark(db, w, "failed", now(), { error: plan }) : undefined;
    if (w.status === "complete") return await verify(db, w, plan, client, now());
    if (w.status === "running") return await backfillWork(db, w, plan, phase.checkpointInterval, client, now);
  } finally {
    client.release();
  }
}

/** max_rows_per_second: the next batch of `interval` rows waits until the last one's share of time has passed. */
function throttled(w: Work, interval: number, maxRowsPerSecond: number | null | undefined, now: Date): boolean {
  if (!maxRowsPerSecond) return false;
  return now.getTime() < w.updated_at.getTime() + (interval / maxRowsPerSecond) * 1000;
}

/** The data phases before phase `i` that Cellplane can count, for the contract's last check. */
function backfillsBefore(spec: StoredSpec, i: number): { phase: string; plan: BackfillPlan }[] {
  return spec.phases.slice(0, i).flatMap((p) => {
    if (p.type !== "data") return [];
    const plan = parseBackfillScript(p.script, spec.scripts[p.script] ?? null);
    return typeof plan === "string" ? [] : [{ phase: p.name, plan }];
  });
}

async function schemaWork(db: Db, w: Work, spec: StoredSpec, i: number, client: pg.PoolClient, now: () => Date) {
  const phase = spec.phases[i]!;
  if (phase.type !== "schema") return;
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
  // The point of no return runs only while every backfill before it still counts 0 rows to do.
  let left: { phase: string; n: number } | null = null;
  const precheck: Precheck | undefined = phase.irreversible
    ? async (c) => {
        for (const b of backfillsBefore(spec, i)) {
          const n = await countRemaining(c, b.plan);
          if (n > 0) return JSON.stringify((left = { phase: b.phase, n }));
        }
        return null;
      }
    : undefined;
  try {
    const r = await applySchema(client, w.run_id, w.phase, sql, precheck);
    if (typeof r === "object" && left) return await unverified(db, w, left, now());
    await mark(db, w, "complete", now());
  } catch (e) {
    await mark(db, w, "failed", now(), { error: errText(e) });
  }
}

/** The contract found rows left by a backfill: it waits (back to pending), and the backfill says how many. */
async function unverified(db: Db, w: Work, left: { phase: string; n: number }, at: Date) {
  await db.$transaction([
    db.$executeRaw`
      UPDATE migration_cells SET status = 'pending', updated_at = ${at}::timestamptz
       WHERE run_id = ${w.run_id} AND cell_id = ${w.cell_id} AND phase = ${w.phase} AND status = 'running'`,
    db.$executeRaw`
      UPDATE migration_cells SET remaining = ${BigInt(left.n)}, verified_at = ${at}::timestamptz, updated_at = ${at}::timestamptz
       WHERE run_id = ${w.run_id} AND cell_id = ${w.cell_id} AND phase = ${left.phase} AND status = 'complete'`,
  ]);
}

/** Count a walked backfill's rows still to do; 0 verifies it. */
async function verify(db: Db, w: Work, plan: BackfillPlan, client: pg.PoolClient, at: Date) {
  const n = await countRemaining(client, plan);
  await db.$executeRaw`
    UPDATE migration_cells SET remaining = ${BigInt(n)}, verified_at = ${at}::timestamptz, updated_at = ${at}::timestamptz
     WHERE run_id = ${w.run_id} AND cell_id = ${w.cell_id} AND phase = ${w.phase} AND status = 'complete'`;
}

/** One batch per pass, so progress is visible and the ticker stays responsive; the last one verifies. */
async function backfillWork(db: Db, w: Work, plan: BackfillPlan, interval: number, client: pg.PoolClient, now: () => Date) {
  let r: Awaited<ReturnType<typeof backfillBatch>>;
  let remaining: number | null = null;
  try {
    r = await backfillBatch(client, w.run_id, w.phase, plan, interval);
    if (r.done) remaining = await countRemaining(client, plan);
  } catch (e) {
    return await mark(db, w, "failed", now(), { error: errText(e) });
  }
  const t = now();
  const elapsed = w.started_at ? (t.getTime() - new Date(w.started_at).getTime()) / 1000 : 0;
  const rate = elapsed > 0 ? r.rowsDone / elapsed : null;
  await db.$executeRaw`
    UPDATE migration_cells SET rows_done = ${BigInt(r.rowsDone)}, rows_total = ${BigInt(r.rowsTotal)}, last_checkpoint = ${r.checkpoint}, rate = ${rate},
           remaining = CASE WHEN ${r.done}::boolean THEN ${remaining}::bigint ELSE remaining END,
           verified_at = CASE WHEN ${r.done}::boolean THEN ${t}::timestamptz ELSE verified_at END,
           status = CASE WHEN ${r.done}::boolean THEN 'complete' ELSE status END, finished_at = CASE WHEN ${r.done}::boolean THEN ${t}::timestamptz ELSE finished_at END, updated_at = ${t}::timestamptz
     WHERE run_id = ${w.run_id} AND cell_id = ${w.cell_id} AND phase = ${w.phase} AND status = 'running'`;
}
