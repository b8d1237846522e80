// Alert rules over current state, and aggregation of alerts by issue type. Pure.
import type { Thresholds } from "./thresholds";

export type Severity = "critical" | "warning" | "info";

export interface RuleInput {
  cellId: string;
  serviceId: string;
  lastSampleAt: Date;
  errorRate: number;
  p99Ms: number;
  errorBreachSince: Date | null;
  latencyBreachSince: Date | null;
}

export interface AlertSpec {
  type: string;
  cellId: string;
  serviceId: string | null;
  severity: Severity;
  summary: string;
  dedupKey: string;
  startedAt: Date;
}

export const RULE_TYPES = ["high_error_rate", "high_latency", "no_data"] as const;

export const ruleDedupKey = (type: string, cellId: string, serviceId: string) => `rule:${type}:${cellId}:${serviceId}`;

/**
 * Which rule alerts should be firing now. A condition must have held for `alertAfterMs`
 * (silence: `silenceMs` without a sample). Everything else that is firing from rules resolves.
 */
export function evaluateRules(inputs: RuleInput[], now: Date, t: Thresholds): AlertSpec[] {
  const out: AlertSpec[] = [];
  const held = (since: Date | null) => since !== null && now.getTime() - since.getTime() >= t.alertAfterMs;
  for (const i of inputs) {
    const silentFor = now.getTime() - i.lastSampleAt.getTime();
    if (silentFor >= t.red.silenceMs) {
      out.push({
        type: "no_data",
        cellId: i.cellId,
        serviceId: i.serviceId,
        // Silence is red by the thresholds (the heatmap shows it so): an outage signal, critical like the other red conditions.
        severity: "critical",
        summary: `${i.serviceId} in ${i.cellId} has sent no telemetry for ${Math.floor(silentFor / 60_000)} min`,
        dedupKey: ruleDedupKey("no_data", i.cellId, i.serviceId),
        startedAt: new Date(i.lastSampleAt.getTime() + t.red.silenceMs),
      });
      continue; // stale values say nothing about errors or latency
    }
    if (held(i.errorBreachSince)) {
      out.push({
        type: "high_error_rate",
        cellId: i.cellId,
        serviceId: i.serviceId,
        severity: "critical",
        summary: `${i.serviceId} error rate ${(i.errorRate * 100).toFixed(2)}% ≥ ${(t.red.errorRate * 100).toFixed(2)}%`,
        dedupKey: ruleDedupKey("high_error_rate", i.cellId, i.serviceId),
        startedAt: i.errorBreachSince!,
      });
    }
    if (held(i.latencyBreachSince)) {
      out.push({
        type: "high_latency",
        cellId: i.cellId,
        serviceId: i.serviceId,
        severity: "critical",
        summary: `${i.serviceId} p99 ${Math.round(i.p99Ms)} ms ≥ ${t.red.p99Ms} ms`,
        dedupKey: ruleDedupKey("high_latency", i.cellId, i.serviceId),
        startedAt: i.latencyBreachSince!,
      });
    }
  }
  return out;
}

export interface AlertRow {
  type: string;
  cellId: string;
  serviceId: string | null;
  severity: Severity;
  startedAt: Date;
  summary: string;
  acknowledgedBy?: string | null;
  acknowledgedAt?: Date | null;
  ackComment?: string | null;
}

export interface Acknowledgement {
  by: string;
  at: Date;
  comment: string;
}

export interface AlertGroup {
  type: string;
  severity: Severity;
  cells: string[];
  services: string[];
  firstSeen: Date;
  alerts: number;
  example: string;
  /** How many of the group's alerts are acknowledged; the rest started since (or were never acknowledged). */
  acknowledged: number;
  /** The newest acknowledgement in the group. */
  lastAck: Acknowledgement | null;
}

const SEV: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** One row per issue type, not per cell: an incident hitting 12 cells is one group of 12. */
export function groupByType(alerts: AlertRow[]): AlertGroup[] {
  const groups = new Map<string, AlertGroup & { cellSet: Set<string>; serviceSet: Set<string> }>();
  for (const a of alerts) {
    let g = groups.get(a.type);
    if (!g) {
      g = {
        type: a.type,
        severity: a.severity,
        cells: [],
        services: [],
        firstSeen: a.startedAt,
        alerts: 0,
        example: a.summary,
        acknowledged: 0,
        lastAck: null,
        cellSet: new Set(),
        serviceSet: new Set(),
      };
      groups.set(a.type, g);
    }
    g.alerts++;
    if (a.acknowledgedBy && a.acknowledgedAt) {
      g.acknowledged++;
      if (!g.lastAck || a.acknowledgedAt > g.lastAck.at)
        g.lastAck = { by: a.acknowledgedBy, at: a.acknowledgedAt, comment: a.ackComment ?? "" };
    }
    g.cellSet.add(a.cellId);
    if (a.serviceId) g.serviceSet.add(a.serviceId);
    if (SEV[a.severity] > SEV[g.severity]) g.severity = a.severity;
    if (a.startedAt < g.firstSeen) g.firstSeen = a.startedAt;
  }
  return [...groups.values()]
    .map(({ cellSet, serviceSet, ...g }) => ({ ...g, cells: [...cellSet].sort(), services: [...serviceSet].sort() }))
    .sort((a, b) => SEV[b.severity] - SEV[a.severity] || b.cells.length - a.cells.length || a.firstSeen.getTime() - b.firstSeen.getTime());
}
