// Every mutation writes exactly one audit event per changed target through this helper, inside
// the mutation's own transaction. The table is append-only in the database itself.
import type { Tx } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";

export interface AuditInput {
  action: string;
  targetType: string;
  targetId: string;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

function json(v: unknown): Prisma.InputJsonValue | undefined {
  if (v === undefined || v === null) return undefined;
  return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x)));
}

export async function recordAudit(tx: Tx, actor: string, events: AuditInput | AuditInput[]) {
  const list = Array.isArray(events) ? events : [events];
  if (list.length === 0) return;
  await tx.auditEvent.createMany({
    data: list.map((e) => ({
      actor,
      action: e.action,
      targetType: e.targetType,
      targetId: e.targetId,
      before: json(e.before),
      after: json(e.after),
      reason: e.reason ?? null,
    })),
  });
}
