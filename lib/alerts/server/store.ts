// Alerts in and out: Alertmanager's webhook, silences, and the notifications the routing rules
// call for. Changes people make (silences) return their audit events for the caller's door;
// alerts arriving and notifications going out are observations and deliveries, not decisions.
import type { Audited } from "@/lib/audit/events";
import type { Db, Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import { groupByType, type Severity } from "@/lib/health/alerts";
import { parseReleaseDoc } from "@/lib/rollouts/release-doc";
import { readSetting, SETTINGS } from "@/lib/settings/server/store";
import { type AlertLabelMapping, type AlertmanagerPayload, mapAlertmanagerAlerts } from "../alertmanager";
import { type Notified, planNotifications } from "../routing";
import { cellGlobs, type DeployWindow, muteOf, type Silence, type SilenceInput } from "../silences";

export interface AlertmanagerOutcome {
  opened: number;
  updated: number;
  resolved: number;
  ignored: { fingerprint: string; reason: string }[];
}

/**
 * Alertmanager's alerts, in `tx`: a firing alert opens (or refreshes) the alert with its
 * fingerprint, a resolved one resolves it. Alerts naming no cell, or a cell or service Cellplane
 * does not know, are ignored and listed (the rest are stored, so Alertmanager does not retry them).
 */
export async function storeAlertmanagerAlerts(
  tx: Tx,
  payload: AlertmanagerPayload,
  labels: AlertLabelMapping,
  now: Date,
): Promise<Audited<AlertmanagerOutcome>> {
  const out: AlertmanagerOutcome = { opened: 0, updated: 0, resolved: 0, ignored: [] };
  const mapped = mapAlertmanagerAlerts(payload, labels);
  const cells = new Set((await tx.cell.findMany({ where: { status: { not: "retired" } }, select: { id: true } })).map((c) => c.id));
  const services = new Set((await tx.service.findMany({ select: { id: true } })).map((s) => s.id));
  for (const m of mapped) {
    if (!m.ok) {
      out.ignored.push({ fingerprint: m.fingerprint, reason: m.reason });
      continue;
    }
    const a = m.alert;
    if (!cells.has(a.cell) || (a.service && !services.has(a.service))) {
      out.ignored.push({
        fingerprint: a.dedupKey.slice(3),
        reason: !cells.has(a.cell) ? `unknown cell ${a.cell}` : `unknown service ${a.service}`,
      });
      continue;
    }
    if (a.status === "resolved") {
      const r = await tx.alert.updateMany({
        where: { dedupKey: a.dedupKey, status: "firing" },
        data: { status: "resolved", resolvedAt: now, lastSeenAt: now },
      });
      out.resolved += r.count;
      continue;
    }
    const r = await tx.alert.updateMany({
      where: { dedupKey: a.dedupKey, status: "firing" },
      data: { lastSeenAt: now, summary: a.summary, severity: a.severity },
    });
    if (r.count) {
      out.updated++;
      continue;
    }
    await tx.$executeRaw`
      INSERT INTO alerts (type, cell_id, service_id, severity, summary, status, dedup_key, source, started_at, last_seen_at)
      VALUES (${a.type}, ${a.cell}, ${a.service}, ${a.severity}::"AlertSeverity", ${a.summary}, 'firing', ${a.dedupKey}, 'alertmanager',
              ${a.startedAt ?? now}, ${now})
      ON CONFLICT DO NOTHING`;
    out.opened++;
  }
  return { data: out, audit: [] };
}

type SilenceRow = {
  id: bigint;
  type: string | null;
  cells: string[];
  serviceId: string | null;
  severity: Severity | null;
  startsAt: Date;
  endsAt: Date;
  reason: string;
  createdBy: string;
};

export const toSilence = (r: SilenceRow): Silence => ({ ...r, id: r.id.toString(), service: r.serviceId });

export async function createSilence(tx: Tx, input: SilenceInput, actor: string): Promise<Audited<{ id: string }>> {
  const row = await tx.silence.create({
    data: {
      type: input.type || null,
      cells: cellGlobs(input.cells),
      serviceId: input.service || null,
      severity: input.severity || null,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      reason: input.reason,
      createdBy: actor,
    },
  });
  const id = row.id.toString();
  return {
    data: { id },
    audit: [
      {
        action: "silence.create",
        targetType: "silence",
        targetId: id,
        after: {
          type: row.type,
          cells: row.cells,
          service: row.serviceId,
          severity: row.severity,
          startsAt: row.startsAt,
          endsAt: row.endsAt,
        },
        reason: input.reason,
      },
    ],
  };
}

/** End a silence now (one that has not started yet then covers no time). */
export async function expireSilence(tx: Tx, id: bigint, now: Date): Promise<Audited<null>> {
  const s = await tx.silence.findUnique({ where: { id } });
  if (!s) throw new DomainError("NOT_FOUND", `no silence #${id}`);
  if (s.endsAt <= now) throw new DomainError("PRECONDITION", `silence #${id} has already ended`);
  const endsAt = s.startsAt > now ? s.startsAt : now;
  await tx.silence.update({ where: { id }, data: { endsAt } });
  return {
    data: null,
    audit: [{ action: "silence.expire", targetType: "silence", targetId: id.toString(), before: { endsAt: s.endsAt }, after: { endsAt } }],
  };
}

/** Waves deploying now (their deploy window): the cells and services whose alerts are inhibited. */
export async function deployWindows(db: Db | Tx): Promise<DeployWindow[]> {
  const rows = await db.release.findMany({ where: { status: "running" }, select: { id: true, doc: true } });
  const out: DeployWindow[] = [];
  for (const r of rows) {
    const doc = parseReleaseDoc(r.doc, r.id);
    for (const w of doc.waves) {
      if (w.state !== "DEPLOYING") continue;
      out.push({
        release: r.id,
        wave: w.name,
        cells: w.cells,
        services: Object.keys(doc.versions),
        since: new Date(w.deployStartedAt ?? w.since),
      });
    }
  }
  return out;
}

/** Silences in force at `now` and the deploy windows open now. */
export async function muteContext(db: Db | Tx, now: Date) {
  const [silences, deploys] = await Promise.all([
    db.silence.findMany({ where: { startsAt: { lte: now }, endsAt: { gt: now } } }),
    deployWindows(db),
  ]);
  return { silences: silences.map(toSilence), deploys };
}

/**
 * The notification job: group the firing alerts that are neither silenced nor inhibited by issue
 * type, ask the routing rules what is due, and queue each notification as a delivery (sent, retried
 * with backoff and logged by the release notifications' sender) with what was sent remembered — in
 * one transaction, serialised, so two senders never announce a group twice.
 */
export async function notifyAlerts(db: Db, now: Date): Promise<{ queued: number }> {
  const { value: settings } = await readSetting(db, SETTINGS.alerting);
  if (settings.routes.length === 0) return { queued: 0 };
  return db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(72707369401)`);
    const [firing, mutes, notified] = await Promise.all([
      tx.alert.findMany({ where: { status: "firing" }, orderBy: { startedAt: "asc" } }),
      muteContext(tx, now),
      tx.alertNotification.findMany(),
    ]);
    const loud = firing.filter((a) => !muteOf(a, mutes.silences, mutes.deploys, now));
    const cellIds = [...new Set([...loud.map((a) => a.cellId), ...notified.flatMap((n) => n.cells)])];
    const tiers = await tx.cell.findMany({ where: { id: { in: cellIds } }, select: { id: true, tier: true } });
    const planned = planNotifications(
      groupByType(loud),
      settings.routes,
      new Map(tiers.map((c) => [c.id, c.tier])),
      notified.map((n): Notified => ({ route: n.route, type: n.type, cells: n.cells, status: n.status })),
    );
    for (const p of planned) {
      await tx.delivery.create({
        data: { kind: "alert", event: p.event, target: p.target, payload: p.body as object, nextAttemptAt: now, createdAt: now },
      });
      const state = { cells: p.cells, status: p.event === "alert_resolved" ? ("resolved" as const) : ("firing" as const), updatedAt: now };
      await tx.alertNotification.upsert({
        where: { route_type: { route: p.route, type: p.type } },
        create: { route: p.route, type: p.type, ...state },
        update: state,
      });
    }
    return { queued: planned.length };
  });
}
