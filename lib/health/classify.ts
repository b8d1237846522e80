// Classification of a cell × service and of a cell (worst of its services). Pure.
import type { Thresholds } from "./thresholds";

export const STATUSES = ["green", "yellow", "red", "no_data"] as const;
export type Status = (typeof STATUSES)[number];

export interface Reading {
  errorRate: number;
  p99Ms: number;
  cpu: number;
}

export interface Classification {
  status: Status;
  /** Why, in words an SRE reads at 3 a.m. Empty for green. */
  reasons: string[];
}

const pct = (x: number) => `${(x * 100).toFixed(x < 0.01 ? 2 : 1)}%`;

/** The status of values alone, without the reasons' words: what ingest stores for every sample. */
export function readingStatus(r: Reading, t: Thresholds): "green" | "yellow" | "red" {
  if (r.errorRate >= t.red.errorRate || r.p99Ms >= t.red.p99Ms) return "red";
  if (r.errorRate >= t.yellow.errorRate || r.p99Ms >= t.yellow.p99Ms || r.cpu >= t.yellow.cpu) return "yellow";
  return "green";
}

/** The status of values alone (no silence check), with why: readingStatus's status. */
export function classifyReading(r: Reading, t: Thresholds): Classification {
  const red: string[] = [];
  if (r.errorRate >= t.red.errorRate) red.push(`error rate ${pct(r.errorRate)} ≥ ${pct(t.red.errorRate)}`);
  if (r.p99Ms >= t.red.p99Ms) red.push(`p99 ${Math.round(r.p99Ms)} ms ≥ ${t.red.p99Ms} ms`);
  if (red.length) return { status: "red", reasons: red };
  const yellow: string[] = [];
  if (r.errorRate >= t.yellow.errorRate) yellow.push(`error rate ${pct(r.errorRate)} ≥ ${pct(t.yellow.errorRate)}`);
  if (r.p99Ms >= t.yellow.p99Ms) yellow.push(`p99 ${Math.round(r.p99Ms)} ms ≥ ${t.yellow.p99Ms} ms`);
  if (r.cpu >= t.yellow.cpu) yellow.push(`CPU ${pct(r.cpu)} ≥ ${pct(t.yellow.cpu)}`);
  return yellow.length ? { status: "yellow", reasons: yellow } : { status: "green", reasons: [] };
}

/**
 * The status at `now`: no reading at all → no_data; a reading older than the silence threshold →
 * red ("no data for 5 min" is an outage signal, not a shrug); otherwise by the values.
 */
export function classify(r: Reading | null, lastSampleAt: Date | null, now: Date, t: Thresholds): Classification {
  if (!r || !lastSampleAt) return { status: "no_data", reasons: ["never reported"] };
  const silentMs = now.getTime() - lastSampleAt.getTime();
  if (silentMs >= t.red.silenceMs) return { status: "red", reasons: [`no data for ${Math.floor(silentMs / 60_000)} min`] };
  return classifyReading(r, t);
}

const RANK: Record<Status, number> = { no_data: 0, green: 1, yellow: 2, red: 3 };

/** A cell is as healthy as its least healthy service; no_data only when nothing reported. */
export function worst(statuses: Status[]): Status {
  let out: Status = "no_data";
  for (const s of statuses) if (RANK[s] > RANK[out]) out = s;
  return out;
}

/** When the current status began, given the stored status/since and the silence rule. */
export function statusSince(
  c: Classification,
  stored: { status: Status; since: Date } | null,
  lastSampleAt: Date | null,
  t: Thresholds,
): Date | null {
  if (!stored || !lastSampleAt) return null;
  if (c.reasons[0]?.startsWith("no data")) return new Date(lastSampleAt.getTime() + t.red.silenceMs);
  return stored.status === c.status ? stored.since : lastSampleAt;
}
