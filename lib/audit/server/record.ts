// Audit events are written here, and only from two places: the one door for server actions
// (`defineAction`) and `withAudit`/`audited` for callers that are not server actions (CLI, seeds,
// HTTP routes, ticker jobs). Stores never write them: they return them with their result
// (`Audited<T>`), so a change and its audit events always travel together. The table is
// append-only in the database itself.
import { recordChanges } from "@/lib/changes/server/record";
import type { Db, Tx } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { redactAuditInput } from "@/lib/secrets/redact";
import { type Audited, type AuditInput, auditList } from "../events";

export type { Audited, AuditInput };

function json(v: unknown): Prisma.InputJsonValue | undefined {
  if (v === undefined || v === null) return undefined;
  return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x)));
}

/**
 * Write audit events in `tx`, in order; an event's own `actor` wins over the caller's. Events about
 * targets that hold secrets (webhook URLs) are stored with those URLs redacted (lib/secrets).
 */
export async function recordAudit(tx: Tx, actor: string, events: AuditInput | AuditInput[]) {
  const list = auditList(events).map(redactAuditInput);
  if (list.length === 0) return;
  const rows = await tx.auditEvent.createManyAndReturn({
    data: list.map((e) => ({
      actor: e.actor ?? actor,
      action: e.action,
      targetType: e.targetType,
      targetId: e.targetId,
      before: json(e.before),
      after: json(e.after),
      reason: e.reason ?? null,
    })),
  });
  // The change log: what these events changed on which cells, in the same transaction.
  await recordChanges(
    tx,
    rows.map((r) => ({ ...r, id: r.id.toString() })),
  );
}

/**
 * For callers that are not server actions: run a change inside `tx` and write its audit events in
 * the same transaction. Returns the change's data.
 */
export async function withAudit<T>(tx: Tx, actor: string, change: (tx: Tx) => Promise<Audited<T>>): Promise<T> {
  const { data, audit } = await change(tx);
  await recordAudit(tx, actor, audit);
  return data;
}

/** `withAudit` in a transaction of its own. */
export function audited<T>(
  db: Db,
  actor: string,
  change: (tx: Tx) => Promise<Audited<T>>,
  opts?: { timeout?: number; maxWait?: number },
): Promise<T> {
  return db.$transaction((tx) => withAudit(tx, actor, change), opts);
}

/**
 * Rows this connection has inserted, updated or deleted, per PostgreSQL's own statistics. The
 * figure includes earlier transactions' counts not yet flushed, so only a difference taken inside
 * one transaction means something: that transaction's writes in between (row locks, advisory
 * locks and reads count as nothing). Needs `track_counts` (on by default).
 */
export async function rowsWritten(tx: Tx): Promise<number> {
  const rows = await tx.$queryRaw<{ n: number }[]>`
    SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::int AS n FROM pg_stat_xact_user_tables`;
  return rows[0]?.n ?? 0;
}
