import "server-only";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { redactAuditEvent } from "@/lib/secrets/redact";

export const AUDIT_PAGE_SIZE = 50;

export interface AuditFilter {
  actor?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  page: number;
}

export function parseAuditFilter(sp: Record<string, string | string[] | undefined>): AuditFilter {
  const one = (k: string) => ((Array.isArray(sp[k]) ? sp[k][0] : sp[k]) || "").trim() || undefined;
  const page = Number(one("page") ?? 1);
  return {
    actor: one("actor"),
    action: one("action"),
    targetType: one("targetType"),
    targetId: one("targetId"),
    page: Number.isInteger(page) && page > 0 ? page : 1,
  };
}

export async function listAudit(f: AuditFilter) {
  const where: Prisma.AuditEventWhereInput = {
    ...(f.actor ? { actor: { contains: f.actor, mode: "insensitive" } } : {}),
    ...(f.action ? { action: { startsWith: f.action } } : {}),
    ...(f.targetType ? { targetType: f.targetType } : {}),
    ...(f.targetId ? { targetId: f.targetId } : {}),
  };
  const [rows, total] = await Promise.all([
    db().auditEvent.findMany({
      where,
      orderBy: [{ at: "desc" }, { id: "desc" }],
      skip: (f.page - 1) * AUDIT_PAGE_SIZE,
      take: AUDIT_PAGE_SIZE,
    }),
    db().auditEvent.count({ where }),
  ]);
  // Secrets (webhook URLs) in events written before they were redacted at write time are redacted here.
  return { rows: rows.map(redactAuditEvent), total, pages: Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE)) };
}

/** Recent events about one target, e.g. a cell page's history. */
export async function recentAuditFor(targetType: string, targetId: string, take = 20) {
  const rows = await db().auditEvent.findMany({ where: { targetType, targetId }, orderBy: [{ at: "desc" }, { id: "desc" }], take });
  return rows.map(redactAuditEvent);
}
