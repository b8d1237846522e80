// Alertmanager's webhook payload (version 4) and how its alerts become Cellplane alerts. Pure.
// https://prometheus.io/docs/alerting/latest/configuration/#webhook_config
import { z } from "zod";
import type { Severity } from "@/lib/health/alerts";

const labels = z.record(z.string(), z.string());

export const alertmanagerPayloadSchema = z.object({
  version: z.string().optional(),
  groupKey: z.string().optional(),
  status: z.enum(["firing", "resolved"]).optional(),
  receiver: z.string().optional(),
  alerts: z
    .array(
      z.object({
        status: z.enum(["firing", "resolved"]),
        labels,
        annotations: labels.default({}),
        startsAt: z.string().optional(),
        endsAt: z.string().optional(),
        generatorURL: z.string().optional(),
        fingerprint: z.string().optional(),
      }),
    )
    .max(1000),
});
export type AlertmanagerPayload = z.infer<typeof alertmanagerPayloadSchema>;

/** Which labels say what (Settings → Alerting). */
export interface AlertLabelMapping {
  /** The issue type (default `alertname`). */
  type: string;
  cell: string;
  service: string;
}

export const DEFAULT_ALERT_LABELS: AlertLabelMapping = { type: "alertname", cell: "cell", service: "service" };

/** An issue type in Cellplane's form: `HighErrorRate` → `high_error_rate`. */
export function issueType(name: string): string {
  return (
    name
      .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
      .toLowerCase()
      .replace(/[^a-z0-9_.:-]+/g, "_")
      .replace(/^_+|_+$/g, "")
      .slice(0, 80) || "alert"
  );
}

const SEVERITIES: Record<string, Severity> = {
  critical: "critical",
  page: "critical",
  high: "critical",
  error: "critical",
  warning: "warning",
  warn: "warning",
  medium: "warning",
  info: "info",
  low: "info",
  none: "info",
};

export interface MappedAlert {
  type: string;
  cell: string;
  service: string | null;
  severity: Severity;
  summary: string;
  status: "firing" | "resolved";
  dedupKey: string;
  startedAt: Date | null;
}

export type MappingResult = { ok: true; alert: MappedAlert } | { ok: false; fingerprint: string; reason: string };

/** A stable key for an alert without a fingerprint: its sorted labels. */
const labelsKey = (l: Record<string, string>) =>
  Object.keys(l)
    .sort()
    .map((k) => `${k}=${l[k]}`)
    .join(",");

/** Each alert of the payload as a Cellplane alert, or why it cannot be one. */
export function mapAlertmanagerAlerts(p: AlertmanagerPayload, m: AlertLabelMapping): MappingResult[] {
  return p.alerts.map((a): MappingResult => {
    const fingerprint = a.fingerprint ?? labelsKey(a.labels);
    const name = a.labels[m.type];
    const cell = a.labels[m.cell];
    if (!name) return { ok: false, fingerprint, reason: `no ${m.type} label` };
    if (!cell) return { ok: false, fingerprint, reason: `no ${m.cell} label: Cellplane files alerts by cell` };
    const started = a.startsAt ? new Date(a.startsAt) : null;
    const summary = a.annotations.summary ?? a.annotations.description ?? `${name} on ${cell}`;
    return {
      ok: true,
      alert: {
        type: issueType(name),
        cell,
        service: a.labels[m.service] ?? null,
        severity: SEVERITIES[(a.labels.severity ?? "").toLowerCase()] ?? "warning",
        summary: summary.slice(0, 500),
        status: a.status,
        dedupKey: `am:${fingerprint}`.slice(0, 200),
        startedAt: started && !Number.isNaN(started.getTime()) && started.getUTCFullYear() > 1 ? started : null,
      },
    };
  });
}
