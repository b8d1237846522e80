// Validation checks as pipelines write them (the seed's forms), normalised to CheckSpec:
//   "error_rate < 0.1%"        error rate below a percentage
//   "p99_latency < 500ms"      p99 latency below a duration ("latency < 1s" too)
//   "error_rate", "latency"    bare names: use Fleet health's thresholds
//   "customer_complaints"      no customer complaint alert during the bake
//   { no_pagerduty_alerts: 30m }   no alert of that type for the last 30 minutes of the bake
import type { CheckSpec } from "./types";
import { formatDuration, parseDuration } from "./durations";

const EXPECTED =
  'expected error_rate, latency, p99_latency, customer_complaints, "error_rate < 0.1%", "p99_latency < 500ms" or { no_<type>_alerts: 30m }';
const NO_ALERTS = /^no_([a-z0-9]+(?:_[a-z0-9]+)*)_alerts$/;
const LATENCY_NAMES = new Set(["latency", "p99_latency"]);

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
  const [, name, rawLimit] = cmp as unknown as [string, string, string];
  const limit = rawLimit.trim();
  if (name === "error_rate") {
    const pct = /^(\d+(?:\.\d+)?)\s*%$/.exec(limit);
    if (!pct) return `error_rate limit "${limit}" must be a percentage, e.g. error_rate < 0.1%`;
    const p = Number(pct[1]);
    if (p <= 0 || p > 100) return `error_rate limit must be above 0% and at most 100% (got ${limit})`;
    return { kind: "error_rate", max: tidy(p / 100), source };
  }
  if (LATENCY_NAMES.has(name)) {
    const ms = parseDuration(limit);
    if (ms === null || ms === 0) return `${name} limit "${limit}" must be a duration, e.g. ${name} < 500ms`;
    return { kind: "latency", maxP99Ms: ms, source };
  }
  if (name === "customer_complaints") return `customer_complaints takes no limit: write it bare`;
  return `unknown check "${name}" (${EXPECTED})`;
}

/** A check as written in a pipeline file (a string or a one-key map), or the reason it is not one. */
export function parseCheck(item: unknown): CheckSpec | string {
  if (typeof item === "string") return parseText(item);
  if (item && typeof item === "object" && !Array.isArray(item)) {
    const entries = Object.entries(item as Record<string, unknown>);
    if (entries.length !== 1) return `a check written as a map has exactly one key, e.g. { no_pagerduty_alerts: 30m } (${EXPECTED})`;
    const [key, value] = entries[0]!;
    return parseNoAlerts(key, value, `${key}: ${String(value)}`);
  }
  return `a check is a string or a one-key map (${EXPECTED})`;
}

/** The canonical text of a check; `parseCheck(formatCheck(c))` gives back the same check. */
export function formatCheck(c: CheckSpec): string {
  switch (c.kind) {
    case "error_rate":
      return c.max === null ? "error_rate" : `error_rate < ${tidy(c.max * 100)}%`;
    case "latency":
      return c.maxP99Ms === null ? "latency" : `p99_latency < ${c.maxP99Ms % 1000 === 0 ? `${c.maxP99Ms / 1000}s` : `${c.maxP99Ms}ms`}`;
    case "no_alerts":
      return `no_${c.alertType}_alerts: ${formatDuration(c.forMs).replace(/ /g, "")}`;
    case "customer_complaints":
      return "customer_complaints";
  }
}

/** Two checks mean the same thing (the text they were written as aside). */
export function sameCheck(a: CheckSpec, b: CheckSpec): boolean {
  return formatCheck(a) === formatCheck(b);
}
