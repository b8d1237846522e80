// Validation checks as pipelines (and flag guards) write them, normalised to CheckSpec:
//   "error_rate < 0.1%"            error rate below a percentage
//   "p99_latency < 500ms"          p99 latency below a duration ("latency < 1s" too)
//   "error_rate", "latency"        bare names: use Fleet health's thresholds
//   "error_rate < 2x baseline"     relative: at most twice the baseline's (canary versus baseline)
//   "p99_latency < 1.5x baseline"  relative p99
//   "customer_complaints"          no customer complaint alert during the bake
//   { no_pagerduty_alerts: 30m }   no alert of that type for the last 30 minutes
//   { check: "error_rate < 0.1%", min_samples: 10, min_requests: 5000 }   minimum evidence of its own
import type { CheckSpec, Evidence } from "./types";
import { formatDuration, parseDuration } from "./durations";

const EXPECTED =
  'expected error_rate, latency, p99_latency, customer_complaints, "error_rate < 0.1%", "p99_latency < 500ms", "error_rate < 2x baseline" or { no_<type>_alerts: 30m }';
const NO_ALERTS = /^no_([a-z0-9]+(?:_[a-z0-9]+)*)_alerts$/;
const LATENCY_NAMES = new Set(["latency", "p99_latency"]);
const RELATIVE = /^(\d+(?:\.\d+)?)\s*x\s+baseline$/;
const EVIDENCE_KEYS = ["check", "min_samples", "min_requests"];
/** The largest factor a relative check may name: beyond it, write an absolute limit. */
export const MAX_FACTOR = 100;

/** Fix float noise from percentage arithmetic (0.07 / 100 → 0.0007, not 0.0007000000000000001). */
const tidy = (n: number) => Number(n.toPrecision(12));

function parseNoAlerts(key: string, value: unknown, source: string): CheckSpec | string {
  const m = NO_ALERTS.exec(key);
  if (!m) return `unknown check "${key}" (${EXPECTED})`;
  if (typeof value !== "string") return `"${key}" needs a duration, e.g. { ${key}: 30m }`;
  const forMs = parseDuration(value);
  if (forMs === null || forMs === 0) return `"${value}" is not a duration for ${key} (e.g. 30m, 1h)`;
  return { kind: "no_alerts", alertType: m[1]!, forMs, source };
}

function parseRelative(name: string, factorText: string, source: string): CheckSpec | string {
  const factor = Number(factorText);
  if (!(factor > 1) || factor > MAX_FACTOR)
    return `the factor of "${source}" must be above 1 and at most ${MAX_FACTOR} (e.g. ${name} < 2x baseline)`;
  return { kind: "relative", metric: name === "error_rate" ? "error_rate" : "latency", factor, source };
}

function parseComparison(name: string, limit: string, source: string): CheckSpec | string {
  const relative = RELATIVE.exec(limit);
  if (relative && (name === "error_rate" || LATENCY_NAMES.has(name))) return parseRelative(name, relative[1]!, source);
  if (name === "error_rate") {
    const pct = /^(\d+(?:\.\d+)?)\s*%$/.exec(limit);
    if (!pct)
      return `error_rate limit "${limit}" must be a percentage or a multiple of the baseline, e.g. error_rate < 0.1% or error_rate < 2x baseline`;
    const p = Number(pct[1]);
    if (p <= 0 || p > 100) return `error_rate limit must be above 0% and at most 100% (got ${limit})`;
    return { kind: "error_rate", max: tidy(p / 100), source };
  }
  if (LATENCY_NAMES.has(name)) {
    const ms = parseDuration(limit);
    if (ms === null || ms === 0)
      return `${name} limit "${limit}" must be a duration or a multiple of the baseline, e.g. ${name} < 500ms or ${name} < 1.5x baseline`;
    return { kind: "latency", maxP99Ms: ms, source };
  }
  if (name === "customer_complaints") return `customer_complaints takes no limit: write it bare`;
  return `unknown check "${name}" (${EXPECTED})`;
}

function parseText(text: string): CheckSpec | string {
  const source = text.trim();
  if (source === "") return `empty check (${EXPECTED})`;
  if (source === "error_rate") return { kind: "error_rate", max: null, source };
  if (LATENCY_NAMES.has(source)) return { kind: "latency", maxP99Ms: null, source };
  if (source === "customer_complaints") return { kind: "customer_complaints", source };

  const colon = /^([a-z0-9_]+)\s*:\s*(\S.*)$/.exec(source);
  if (colon) return parseNoAlerts(colon[1]!, colon[2]!, source);

  const cmp = /^([a-z0-9_]+)\s*<\s*(.+)$/.exec(source);
  if (!cmp) {
    if (NO_ALERTS.test(source)) return `"${source}" needs a duration, e.g. { ${source}: 30m }`;
    return `unknown check "${source}" (${EXPECTED})`;
  }
  return parseComparison(cmp[1]!, cmp[2]!.trim(), source);
}

const onTelemetry = (c: CheckSpec) => c.kind === "error_rate" || c.kind === "latency" || c.kind === "relative";

/** `{ check: "…", min_samples: 10, min_requests: 5000 }`: a check with minimum evidence of its own. */
function parseWithEvidence(map: Record<string, unknown>): CheckSpec | string {
  const unknown = Object.keys(map).filter((k) => !EVIDENCE_KEYS.includes(k));
  if (unknown.length) return `unknown field "${unknown[0]}" (a check with its own evidence has: check, min_samples, min_requests)`;
  if (typeof map.check !== "string") return 'needs `check`, e.g. { check: "error_rate < 0.1%", min_samples: 10 }';
  const base = parseText(map.check);
  if (typeof base === "string") return base;
  if (!onTelemetry(base)) return `min_samples and min_requests apply to checks on telemetry (error_rate, latency), not to "${base.source}"`;
  const evidence: Evidence = {};
  for (const [key, field, min] of [
    ["min_samples", "minSamples", 1],
    ["min_requests", "minRequests", 0],
  ] as const) {
    const v = map[key];
    if (v === undefined) continue;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min)
      return `${key} must be a whole number of at least ${min} (got ${String(v)})`;
    evidence[field] = v;
  }
  return { ...base, ...evidence };
}

/** A check as written in a pipeline file (a string or a map), or the reason it is not one. */
export function parseCheck(item: unknown): CheckSpec | string {
  if (typeof item === "string") return parseText(item);
  if (item && typeof item === "object" && !Array.isArray(item)) {
    const map = item as Record<string, unknown>;
    if ("check" in map) return parseWithEvidence(map);
    const entries = Object.entries(map);
    if (entries.length !== 1)
      return `a check written as a map has exactly one key, e.g. { no_pagerduty_alerts: 30m }, or is { check, min_samples, min_requests } (${EXPECTED})`;
    const [key, value] = entries[0]!;
    return parseNoAlerts(key, value, `${key}: ${String(value)}`);
  }
  return `a check is a string or a map (${EXPECTED})`;
}

/** The canonical text of a check, evidence aside; `parseCheck(formatCheck(c))` gives back the same check without its evidence. */
export function formatCheck(c: CheckSpec): string {
  switch (c.kind) {
    case "error_rate":
      return c.max === null ? "error_rate" : `error_rate < ${tidy(c.max * 100)}%`;
    case "latency":
      return c.maxP99Ms === null ? "latency" : `p99_latency < ${c.maxP99Ms % 1000 === 0 ? `${c.maxP99Ms / 1000}s` : `${c.maxP99Ms}ms`}`;
    case "relative":
      return `${c.metric === "error_rate" ? "error_rate" : "p99_latency"} < ${tidy(c.factor)}x baseline`;
    case "no_alerts":
      return `no_${c.alertType}_alerts: ${formatDuration(c.forMs).replace(/ /g, "")}`;
    case "customer_complaints":
      return "customer_complaints";
  }
}

/** The evidence a check asks for itself, or null when it uses the defaults. */
export function evidenceOf(c: CheckSpec): Evidence | null {
  if (!onTelemetry(c)) return null;
  const e = c as Evidence;
  return e.minSamples === undefined && e.minRequests === undefined ? null : { minSamples: e.minSamples, minRequests: e.minRequests };
}

/** A check as a file item: its canonical text, or `{ check, min_samples, min_requests }` with its own evidence. */
export function checkItem(c: CheckSpec): string | { check: string; min_samples?: number; min_requests?: number } {
  const e = evidenceOf(c);
  if (!e) return formatCheck(c);
  return {
    check: formatCheck(c),
    ...(e.minSamples !== undefined ? { min_samples: e.minSamples } : {}),
    ...(e.minRequests !== undefined ? { min_requests: e.minRequests } : {}),
  };
}

/** A check for people: its text and, when it has its own, its minimum evidence. */
export function describeCheck(c: CheckSpec): string {
  const e = evidenceOf(c);
  if (!e) return formatCheck(c);
  const parts = [
    e.minSamples !== undefined ? `${e.minSamples} samples` : "",
    e.minRequests !== undefined ? `${e.minRequests} requests` : "",
  ];
  return `${formatCheck(c)} (min ${parts.filter(Boolean).join(", ")})`;
}

/** Two checks mean the same thing (the text they were written as aside). */
export function sameCheck(a: CheckSpec, b: CheckSpec): boolean {
  return describeCheck(a) === describeCheck(b);
}
