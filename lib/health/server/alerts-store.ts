// Alert storage: external alerts from POST /api/v1/alerts, and the rule-alert sync job.
import type { z } from "zod";
import type { Audited } from "@/lib/audit/events";
import type { Db, Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import type { ackInputSchema, ExternalAlert } from "../alert-input";
import { evaluateRules, type RuleInput } from "../alerts";
import type { Thresholds } from "../thresholds";

export class UnknownAlertTargetError extends Error {
  constructor(
    public readonly cells: string[],
    public readonly services: string[],
  ) {
    super("unknown cells or services");
  }
}

/** `storeExternalAlerts` in a transaction of its own. */
export async function applyExternalAlerts(db: Db, alerts: ExternalAlert[], now: Date) {
  return db.$transaction(async (tx) => (await storeExternalAlerts(tx, alerts, now)).data);
}

/**
 * Store external alerts in `tx`; unknown cells or services refuse the whole batch. External alerts
 * are observations (like telemetry), not decisions: no audit event.
 */
export async function storeExternalAlerts(
  tx: Tx,
  alerts: ExternalAlert[],
  now: Date,
): Promise<Audited<{ opened: number; updated: number; resolved: number }>> {
  const cells = [...new Set(alerts.map((a) => a.cell))];
  const services = [...new Set(alerts.flatMap((a) => (a.service ? [a.service] : [])))];
  const [knownCells, knownServices] = await Promise.all([
    tx.cell.findMany({ where: { id: { in: cells } }, select: { id: true } }),
    tx.service.findMany({ where: { id: { in: services } }, select: { id: true } }),
  ]);
  const badCells = cells.filter((c) => !knownCells.some((k) => k.id === c));
  const badServices = services.filter((s) => !knownServices.some((k) => k.id === s));
  if (badCells.length || badServices.length) throw new UnknownAlertTargetError(badCells, badServices);
  let opened = 0,
    updated = 0,
    resolved = 0;
  for (const a of alerts) {
    const key = `ext:${a.dedupKey}`;
    if (a.status === "resolved") {
      const r = await tx.alert.updateMany({
        where: { dedupKey: key, status: "firing" },
        data: { status: "resolved", resolvedAt: now, lastSeenAt: now },
      });
      resolved += r.count;
      continue;
    }
    const r = await tx.alert.updateMany({
      where: { dedupKey: key, status: "firing" },
      data: { lastSeenAt: now, summary: a.summary, severity: a.severity },
    });
    if (r.count) {
      updated++;
      continue;
    }
    await tx.$executeRaw`
      INSERT INTO alerts (type, cell_id, service_id, severity, summary, status, dedup_key, source, started_at, last_seen_at)
      VALUES (${a.type}, ${a.cell}, ${a.service ?? null}, ${a.severity}::"AlertSeverity", ${a.summary}, 'firing', ${key}, 'external', ${now}, ${now})
      ON CONFLICT DO NOTHING`;
    opened++;
  }
  return { data: { opened, updated, resolved }, audit: [] };
}

/** The rule-alert job: open what has held long enough, resolve what recovered. Idempotent. */
export async function syncRuleAlerts(db: Db, t: Thresholds, now: Date) {
  const rows = await db.$queryRaw<RuleInput[]>`
    SELECT h.cell_id AS "cellId", h.service_id AS "serviceId", h.last_sample_at AS "lastSampleAt",
           h.error_rate AS "errorRate", h.p99_ms AS "p99Ms", h.error_breach_since AS "errorBreachSince",
           h.latency_breach_since AS "latencyBreachSince"
      FROM service_health h JOIN cells c ON c.id = h.cell_id WHERE c.status <> 'retired'`;
  const wanted = evaluateRules(rows, now, t);
  const wantedKeys = wanted.map((w) => w.dedupKey);
  await db.$transaction(async (tx) => {
    if (wanted.length) {
      await tx.$executeRaw`
        INSERT INTO alerts (type, cell_id, service_id, severity, summary, status, dedup_key, source, started_at, last_seen_at)
        SELECT type, cell_id, service_id, severity::"AlertSeverity", summary, 'firing', dedup_key, 'rule', started_at, ${now}
          FROM unnest(${wanted.map((w) => w.type)}::text[], ${wanted.map((w) => w.cellId)}::text[], ${wanted.map((w) => w.serviceId)}::text[],
                      ${wanted.map((w) => w.severity)}::text[], ${wanted.map((w) => w.summary)}::text[], ${wantedKeys}::text[], ${wanted.map((w) => w.startedAt)}::timestamptz[])
            AS t(type, cell_id, service_id, severity, summary, dedup_key, started_at)
        ON CONFLICT (dedup_key) WHERE status = 'firing' DO UPDATE SET last_seen_at = excluded.last_seen_at, summary = excluded.summary`;
    }
    await tx.$executeRaw`
      UPDATE alerts SET status = 'resolved', resolved_at = ${now}
       WHERE source = 'rule' AND status = 'firing' AND NOT (dedup_key = ANY(${wantedKeys}::text[]))`;
  });
  return { firing: wanted.length };
}

/** Prune history past retention. Deletes in bounded chunks so it never holds long locks. */
export async function pruneHistory(db: Db, t: Thresholds, now: Date) {
  const cutoff = new Date(now.getTime() - t.retentionMs);
  const rollupCutoff = new Date(now.getTime() - Math.max(t.retentionMs, 30 * 24 * 3600_000));
  let samples = 0;
  for (;;) {
    const n =
      await db.$executeRaw`DELETE FROM health_samples WHERE ctid IN (SELECT ctid FROM health_samples WHERE ts < ${cutoff} LIMIT 20000)`;
    samples += n;
    if (n < 20000) break;
  }
  const rollups = await db.$executeRaw`DELETE FROM health_rollups WHERE bucket < ${rollupCutoff}`;
  return { samples, rollups };
}

/**
 * Acknowledge every firing, unacknowledged alert of an issue type (the group on the alerts page):
 * who, when, why. Alerts of that type that fire later start unacknowledged. Two people acknowledging
 * at once: the second finds nothing left and is told so. Returns the audit event for the caller's
 * door to write in the same transaction.
 */
export async function acknowledgeAlertGroup(
  tx: Tx,
  input: z.output<typeof ackInputSchema>,
  actor: string,
  now: Date,
): Promise<Audited<{ type: string; cells: string[] }>> {
  const rows = await tx.$queryRaw<{ cell_id: string; service_id: string | null }[]>`
    UPDATE alerts SET acknowledged_by = ${actor}, acknowledged_at = ${now}, ack_comment = ${input.comment}
     WHERE type = ${input.type} AND status = 'firing' AND acknowledged_at IS NULL
    RETURNING cell_id, service_id`;
  if (rows.length === 0)
    throw new DomainError("PRECONDITION", `No unacknowledged ${input.type} alert is firing (already acknowledged, or resolved).`);
  const cells = [...new Set(rows.map((r) => r.cell_id))].sort();
  return {
    data: { type: input.type, cells },
    audit: [
      {
        action: "alert.acknowledge",
        targetType: "alert_group",
        targetId: input.type,
        after: { alerts: rows.length, cells, comment: input.comment },
      },
    ],
  };
}
