// Direct mode: Cellplane runs a phase's SQL against a cell's own database.
//
// Exactly-once backfills: the checkpoint lives in the CELL's database
// (`_cellplane_backfill_checkpoints`), and each batch updates its rows and advances the
// checkpoint in ONE transaction there. A crash (even SIGKILL mid-batch) rolls back both together,
// so the next run resumes at the last committed checkpoint: no row skipped, none done twice.
// Cellplane's own migration_cells row is only a mirror of that checkpoint, for the dashboard.
// Schema scripts run in a transaction with a lock timeout and record themselves in
// `_cellplane_schema_applied` in the same transaction, so a repeated attempt is a no-op.
// A backfill is verified by counting its own predicate over the whole key range (countRemaining); an
// irreversible script (the contract) runs only if that count is still 0 in the same transaction.
import type pg from "pg";
import type { BackfillPlan } from "../backfill-script";

export const LOCK_TIMEOUT = "5s";

const BOOKKEEPING = `
CREATE TABLE IF NOT EXISTS _cellplane_backfill_checkpoints (
  migration_id TEXT NOT NULL, phase TEXT NOT NULL, last_key BIGINT NOT NULL, rows_done BIGINT NOT NULL DEFAULT 0,
  rows_total BIGINT NOT NULL, updated_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (migration_id, phase));
CREATE TABLE IF NOT EXISTS _cellplane_schema_applied (
  migration_id TEXT NOT NULL, phase TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (migration_id, phase));`;

async function ensureBookkeeping(client: pg.ClientBase) {
  await client.query(BOOKKEEPING);
}

async function inTx<T>(client: pg.ClientBase, fn: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    const r = await fn();
    await client.query("COMMIT");
    return r;
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  }
}

/** Why a schema script must not run now (checked in its transaction), or null. */
export type Precheck = (client: pg.ClientBase) => Promise<string | null>;

/**
 * Run a schema script once per (migration, phase): "applied", "already" when it had been, or the
 * precheck's refusal (nothing run).
 */
export async function applySchema(
  client: pg.ClientBase,
  migrationId: string,
  phase: string,
  sql: string,
  precheck?: Precheck,
): Promise<"applied" | "already" | { refused: string }> {
  await ensureBookkeeping(client);
  return inTx(client, async () => {
    await client.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
    const claimed = await client.query(
      `INSERT INTO _cellplane_schema_applied (migration_id, phase) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [migrationId, phase],
    );
    if (claimed.rowCount === 0) return "already" as const;
    const refused = precheck ? await precheck(client) : null;
    if (refused) throw new Refused(refused);
    await client.query(sql);
    return "applied" as const;
  }).catch((e) => {
    if (e instanceof Refused) return { refused: e.message };
    throw e;
  });
}

class Refused extends Error {}

/** Rows a backfill would still change: its own predicate counted over every key of its table. */
export async function countRemaining(client: pg.ClientBase, plan: BackfillPlan): Promise<number> {
  const t = ident(plan.table);
  const k = ident(plan.key);
  const { rows } = await client.query<{ lo: string | null; hi: string | null }>(
    `SELECT (min(${k}) - 1)::text AS lo, max(${k})::text AS hi FROM ${t}`,
  );
  if (rows[0]?.hi == null) return 0;
  const n = await client.query<{ n: string }>(plan.verify, [rows[0].lo, rows[0].hi]);
  return Number(n.rows[0]?.n ?? 0);
}

/** Undo a schema phase with its inverse; forgets that it was applied. */
export async function revertSchema(client: pg.ClientBase, migrationId: string, phase: string, inverseSql: string): Promise<void> {
  await ensureBookkeeping(client);
  await inTx(client, async () => {
    await client.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
    await client.query(inverseSql);
    await client.query(`DELETE FROM _cellplane_schema_applied WHERE migration_id = $1 AND phase = $2`, [migrationId, phase]);
  });
}

/** What a batch walk needs of a backfill plan. */
export type BatchPlan = Pick<BackfillPlan, "table" | "key" | "statement">;

export interface BatchResult {
  done: boolean;
  rowsDone: number;
  rowsTotal: number;
  checkpoint: string;
}

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** One batch of `interval` rows after the last checkpoint, committed with the checkpoint. */
export async function backfillBatch(
  client: pg.ClientBase,
  migrationId: string,
  phase: string,
  plan: BatchPlan,
  interval: number,
): Promise<BatchResult> {
  await ensureBookkeeping(client);
  const t = ident(plan.table);
  const k = ident(plan.key);
  return inTx(client, async () => {
    await client.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
    const read = () =>
      client.query<{ last_key: string; rows_done: string; rows_total: string }>(
        `SELECT last_key::text, rows_done::text, rows_total::text FROM _cellplane_backfill_checkpoints WHERE migration_id = $1 AND phase = $2 FOR UPDATE`,
        [migrationId, phase],
      );
    let cp = await read();
    if (cp.rows.length === 0) {
      const init = await client.query<{ n: string; lo: string | null }>(
        `SELECT count(*)::text AS n, (min(${k}) - 1)::text AS lo FROM ${t}`,
      );
      await client.query(
        `INSERT INTO _cellplane_backfill_checkpoints (migration_id, phase, last_key, rows_total) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [migrationId, phase, init.rows[0]!.lo ?? "0", init.rows[0]!.n],
      );
      cp = await read();
    }
    const { last_key, rows_done, rows_total } = cp.rows[0]!;
    const range = await client.query<{ upper: string | null; n: string }>(
      `SELECT max(k)::text AS upper, count(*)::text AS n FROM (SELECT ${k} AS k FROM ${t} WHERE ${k} > $1 ORDER BY ${k} LIMIT $2) s`,
      [last_key, interval],
    );
    const upper = range.rows[0]!.upper;
    if (upper === null)
      return { done: true, rowsDone: Number(rows_done), rowsTotal: Math.max(Number(rows_total), Number(rows_done)), checkpoint: last_key };
    await client.query(plan.statement, [last_key, upper]);
    const n = Number(range.rows[0]!.n);
    await client.query(
      `UPDATE _cellplane_backfill_checkpoints SET last_key = $3, rows_done = rows_done + $4, updated_at = now() WHERE migration_id = $1 AND phase = $2`,
      [migrationId, phase, upper, n],
    );
    const rowsDone = Number(rows_done) + n;
    return { done: false, rowsDone, rowsTotal: Math.max(Number(rows_total), rowsDone), checkpoint: upper };
  });
}

/** Run batches until the backfill is done (tests and tooling; the ticker runs one batch per pass). */
export async function backfillAll(
  client: pg.ClientBase,
  migrationId: string,
  phase: string,
  plan: BatchPlan,
  interval: number,
  onBatch?: (r: BatchResult) => void,
): Promise<BatchResult> {
  for (;;) {
    const r = await backfillBatch(client, migrationId, phase, plan, interval);
    onBatch?.(r);
    if (r.done) return r;
  }
}
