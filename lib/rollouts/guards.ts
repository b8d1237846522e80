// Guards: checks evaluated over a window of telemetry and alerts at `now`. Pure. The same language
// serves release waves (continuously while a wave deploys and bakes, and once at the end of its
// bake) and flag ramps (lib/flags/guard.ts).
//
//   readings      per cell, from the samples in the window: how many samples, how many requests
//                 they stand for, how many of those failed, and a traffic-weighted p99
//   evidence      a check on telemetry needs `minSamples` samples and `minRequests` requests from a
//                 cell (and from the baseline, for a relative check) before it can pass or fail;
//                 below that it is "not enough data" — which never passes a wave
//   relative      `error_rate < 2x baseline`: each cell's value against the baseline's pooled value
//                 over its own window (cells of the same tier still on the old version, or the same
//                 cells before the change), shown as the two numbers and their ratio
//
// Definitions (the store computes the same in SQL: lib/health/server/guard-readings.ts):
//   a sample stands for `rps × dt` requests, dt = the seconds since the previous sample of its
//   cell × service when that is at most a minute, else 5 s (a series' first sample, or after a gap);
//   error rate = Σ errorRate·requests / Σ requests (traffic-weighted, not a mean of samples);
//   p99 = the traffic-weighted 99th percentile of the samples' p99 values: the smallest sample p99
//   such that the samples above it carried less than 1% of the window's requests — the worst sample,
//   unless the worst samples together carried under 1% of the traffic (a blip in a quiet minute does
//   not fail a wave). True request percentiles cannot be rebuilt from per-sample p99s; this is the
//   conservative reading of them.
import type { WindowReading } from "@/lib/health/sources/types";
import type { CheckResult } from "./engine";
import type { CheckSpec, Evidence } from "./types";

/** One telemetry sample (a cell × service at a time). */
export interface Sample {
  cell: string;
  service: string;
  /** Epoch milliseconds. */
  ts: number;
  errorRate: number;
  p99Ms: number;
  rps: number;
}

/** Telemetry of one cell (or of a pooled baseline) over a window. */
export interface Reading {
  samples: number;
  /** Requests the samples stand for. */
  requests: number;
  /** Failed requests among them. */
  errors: number;
  /** Traffic-weighted p99 of the samples' p99 values; null without requests. */
  p99Ms: number | null;
}

export const EMPTY_READING: Reading = { samples: 0, requests: 0, errors: 0, p99Ms: null };

/** An alert on a watched cell (times ISO). */
export interface GuardAlert {
  type: string;
  severity: string;
  cellId: string;
  startedAt: string;
  resolvedAt: string | null;
}

/** What a guard looks at: readings per watched cell, a baseline, and alerts. */
export interface GuardWindow {
  from: string;
  to: string;
  /** Per watched cell, over [from, to]; a cell missing here sent nothing. */
  cells: Record<string, Reading>;
  /** For relative checks: the baseline pooled over its cells and its own window (null: none found). */
  baseline: { reading: Reading; label: string; from: string; to: string } | null;
  /** Alerts on the watched cells that overlap [since, to]; the guard picks each check's window. */
  alerts: GuardAlert[];
}

export const GUARD_DEFAULTS = {
  /** Trailing window of a check without a duration of its own (divided by the time scale). */
  windowMs: 10 * 60_000,
  /** No window is shorter than this in real time, whatever the time scale: agents report every few seconds. */
  minRealWindowMs: 30_000,
  /** Minimum evidence per cell (and for a baseline) of a check on telemetry. */
  minSamples: 3,
  minRequests: 100,
  /** A baseline below these counts as these, so a ratio never divides by zero. */
  baselineFloor: { errorRate: 0.0001, p99Ms: 1 },
  /** How long a sample stands for at most, and when it has no recent predecessor. */
  maxSampleSeconds: 60,
  firstSampleSeconds: 5,
} as const;

/** A domain duration as real time: divided by the time scale, never below the real-time floor. */
export function realWindowMs(ms: number, timeScale: number): number {
  return Math.max(ms / timeScale, GUARD_DEFAULTS.minRealWindowMs);
}

/** Seconds a sample stands for, from the previous sample of its series (null: none). */
export function sampleSeconds(ts: number, previousTs: number | null): number {
  if (previousTs === null) return GUARD_DEFAULTS.firstSampleSeconds;
  const gap = (ts - previousTs) / 1000;
  return gap > 0 && gap <= GUARD_DEFAULTS.maxSampleSeconds ? gap : GUARD_DEFAULTS.firstSampleSeconds;
}

/** The traffic-weighted p99 of (p99, requests) pairs: see the definitions above. */
export function weightedP99(points: readonly { p99Ms: number; requests: number }[]): number | null {
  const total = points.reduce((s, p) => s + p.requests, 0);
  if (!(total > 0)) return null;
  const sorted = [...points].sort((a, b) => a.p99Ms - b.p99Ms);
  let cum = 0;
  for (const p of sorted) {
    cum += p.requests;
    if (cum > 0.99 * total) return p.p99Ms;
  }
  return sorted[sorted.length - 1]!.p99Ms;
}

/**
 * Readings over [from, to] grouped by `keyOf` (default: the cell). `samples` may include samples
 * from before `from`: they only tell how long the first samples in the window stand for.
 */
export function summarise(
  samples: readonly Sample[],
  from: number,
  to: number,
  keyOf: (s: Sample) => string = (s) => s.cell,
): Record<string, Reading> {
  const series = new Map<string, Sample[]>();
  for (const s of samples) {
    const k = `${s.cell}\u0000${s.service}`;
    let list = series.get(k);
    if (!list) series.set(k, (list = []));
    list.push(s);
  }
  const groups = new Map<string, { samples: number; requests: number; errors: number; points: { p99Ms: number; requests: number }[] }>();
  for (const list of series.values()) {
    list.sort((a, b) => a.ts - b.ts);
    list.forEach((s, i) => {
      if (s.ts < from || s.ts > to) return;
      const prev = i > 0 && s.ts - list[i - 1]!.ts <= GUARD_DEFAULTS.maxSampleSeconds * 1000 ? list[i - 1]!.ts : null;
      const requests = Math.max(0, s.rps) * sampleSeconds(s.ts, prev);
      const key = keyOf(s);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { samples: 0, requests: 0, errors: 0, points: [] }));
      g.samples++;
      g.requests += requests;
      g.errors += s.errorRate * requests;
      g.points.push({ p99Ms: s.p99Ms, requests });
    });
  }
  return Object.fromEntries(
    [...groups].map(([k, g]) => [k, { samples: g.samples, requests: g.requests, errors: g.errors, p99Ms: weightedP99(g.points) }]),
  );
}

/** A source's means over a window for one cell × service × version: what the guards read of them. */
export type WindowMeans = Omit<WindowReading, "cpu">;

/**
 * Readings from a health source's window means, for sources that keep no samples here (Prometheus):
 * a cell × service × version stands for `rps × window seconds` requests (`samples` when rps is
 * unknown), `errorRate` of them failed, and the cell's p99 is the traffic-weighted p99 of its
 * services' p99s. Only the (service, version) pairs of `series` count (version null: any). `pooled`:
 * every cell together under "*" (a baseline).
 */
export function readingsFromMeans(
  means: readonly WindowMeans[],
  series: readonly { service: string; version: string | null }[],
  windowSeconds: number,
  pooledKey = false,
): Record<string, Reading> {
  const wanted = (m: WindowMeans) => series.some((x) => x.service === m.service && (x.version === null || x.version === m.version));
  const groups = new Map<string, { samples: number; requests: number; errors: number; points: { p99Ms: number; requests: number }[] }>();
  for (const m of means) {
    if (m.samples <= 0 || !wanted(m)) continue;
    const k = pooledKey ? "*" : m.cell;
    const g = groups.get(k) ?? { samples: 0, requests: 0, errors: 0, points: [] };
    const requests = m.rps === null ? m.samples : Math.max(m.rps, 0) * windowSeconds;
    g.samples += m.samples;
    g.requests += requests;
    g.errors += (m.errorRate ?? 0) * requests;
    if (m.p99Ms !== null) g.points.push({ p99Ms: m.p99Ms, requests });
    groups.set(k, g);
  }
  return Object.fromEntries(
    [...groups].map(([k, g]) => [k, { samples: g.samples, requests: g.requests, errors: g.errors, p99Ms: weightedP99(g.points) }]),
  );
}

/** Readings pooled (for a baseline given per cell): p99 is the worst of theirs. */
export function pooled(readings: readonly Reading[]): Reading {
  return readings.reduce(
    (a, r) => ({
      samples: a.samples + r.samples,
      requests: a.requests + r.requests,
      errors: a.errors + r.errors,
      p99Ms: r.p99Ms === null ? a.p99Ms : a.p99Ms === null ? r.p99Ms : Math.max(a.p99Ms, r.p99Ms),
    }),
    EMPTY_READING,
  );
}

export const errorRateOf = (r: Reading): number | null => (r.requests > 0 ? r.errors / r.requests : null);

export type GuardCheckState = "pass" | "breach" | "not_enough_data";
export type GuardState = "watching" | "breached" | "not_enough_data";

export interface GuardOptions {
  now: Date;
  /** No check looks back before this (the wave's deploy or bake start, a flag's change). */
  since: Date;
  /** continuous: trailing windows while deploying and baking; final: the whole bake, once. */
  mode: "continuous" | "final";
  timeScale: number;
  /** Fleet health's yellow thresholds: what bare `error_rate` and `latency` mean. */
  thresholds: { errorRate: number; p99Ms: number };
}

export interface GuardVerdict {
  state: GuardState;
  results: CheckResult[];
  /** The first check that breached, when one did. */
  breach: CheckResult | null;
}

const pct = (v: number) => `${(v * 100).toFixed(3)}%`;
const ms = (v: number) => `${Math.round(v)} ms`;
const times = (v: number) => `${v >= 100 ? Math.round(v) : Number(v.toPrecision(3))}×`;

function evidenceNeeded(c: Evidence) {
  return { samples: c.minSamples ?? GUARD_DEFAULTS.minSamples, requests: c.minRequests ?? GUARD_DEFAULTS.minRequests };
}

const enough = (r: Reading, need: { samples: number; requests: number }) => r.samples >= need.samples && r.requests >= need.requests;

const evidenceText = (r: Reading, need: { samples: number; requests: number }) =>
  `${r.samples} of ${need.samples} samples, ${Math.floor(r.requests)} of ${need.requests} requests`;
const shortOf = (cell: string, r: Reading, need: { samples: number; requests: number }) => `${cell} (${evidenceText(r, need)})`;

interface CellValue {
  cell: string;
  v: number;
}

/** Each watched cell's value, split into cells with enough evidence and the rest. */
function cellValues(
  cells: readonly string[],
  w: GuardWindow,
  need: { samples: number; requests: number },
  value: (r: Reading) => number | null,
) {
  const known: CellValue[] = [];
  const short: string[] = [];
  for (const cell of cells) {
    const r = w.cells[cell] ?? EMPTY_READING;
    const v = value(r);
    if (!enough(r, need) || v === null) short.push(shortOf(cell, r, need));
    else known.push({ cell, v });
  }
  return { known, short };
}

const worst = (xs: CellValue[]) => xs.reduce<CellValue | null>((w, x) => (w === null || x.v > w.v ? x : w), null);

interface Metric {
  value: (r: Reading) => number | null;
  unit: string;
  show: (v: number) => string;
}
const METRICS: Record<"error_rate" | "latency", Metric> = {
  error_rate: { value: errorRateOf, unit: "ratio", show: pct },
  latency: { value: (r) => r.p99Ms, unit: "ms", show: ms },
};

/** `error_rate < 0.1%`, `latency < 500ms` and the bare forms: the worst cell against the limit. */
function absolute(
  source: string,
  metric: Metric,
  threshold: number,
  need: Evidence,
  cells: readonly string[],
  w: GuardWindow,
): CheckResult {
  const n = evidenceNeeded(need);
  const { known, short } = cellValues(cells, w, n, metric.value);
  const over = worst(known.filter((x) => x.v >= threshold));
  const top = over ?? worst(known);
  const state: GuardCheckState = over ? "breach" : short.length || !top ? "not_enough_data" : "pass";
  const detail = over
    ? `worst cell ${over.cell}: ${metric.show(over.v)} vs < ${metric.show(threshold)}`
    : short.length
      ? `not enough data from ${short.join(", ")}`
      : top
        ? `worst cell ${top.cell}: ${metric.show(top.v)} vs < ${metric.show(threshold)}`
        : "no cells to watch";
  return { check: source, passed: state === "pass", state, measured: top?.v ?? null, threshold, unit: metric.unit, detail };
}

/** `error_rate < 2x baseline`: each cell against the baseline's pooled value. */
function relative(c: Extract<CheckSpec, { kind: "relative" }>, cells: readonly string[], w: GuardWindow): CheckResult {
  const metric = METRICS[c.metric];
  const n = evidenceNeeded(c);
  const base = w.baseline;
  const baseValue = base && enough(base.reading, n) ? metric.value(base.reading) : null;
  const { known, short } = cellValues(cells, w, n, metric.value);
  const top = worst(known);
  const result = { check: c.source, threshold: c.factor, unit: metric.unit, measured: top?.v ?? null };
  if (baseValue === null) {
    const why = base ? `baseline (${base.label}): ${evidenceText(base.reading, n)}` : "no baseline cells";
    return { ...result, passed: false, state: "not_enough_data", baseline: null, ratio: null, detail: `not enough data: ${why}` };
  }
  const floor = c.metric === "error_rate" ? GUARD_DEFAULTS.baselineFloor.errorRate : GUARD_DEFAULTS.baselineFloor.p99Ms;
  const ratioOf = (v: number) => v / Math.max(baseValue, floor);
  const over = worst(known.filter((x) => ratioOf(x.v) >= c.factor));
  const shown = over ?? top;
  const state: GuardCheckState = over ? "breach" : short.length || !shown ? "not_enough_data" : "pass";
  const versus = (x: CellValue) =>
    `${x.cell}: ${metric.show(x.v)} vs baseline ${metric.show(baseValue)} (${base!.label}) = ${times(ratioOf(x.v))}, limit < ${times(c.factor)}`;
  return {
    ...result,
    measured: shown?.v ?? null,
    passed: state === "pass",
    state,
    baseline: baseValue,
    ratio: shown ? ratioOf(shown.v) : null,
    detail: over ? versus(over) : short.length ? `not enough data from ${short.join(", ")}` : shown ? versus(shown) : "no cells to watch",
  };
}

/** Alerts overlapping [from, to] that a `no_<type>_alerts` or `customer_complaints` check counts. */
function alertsIn(alerts: readonly GuardAlert[], from: number, to: number, counts: (a: GuardAlert) => boolean) {
  return alerts.filter((a) => counts(a) && Date.parse(a.startedAt) <= to && (a.resolvedAt === null || Date.parse(a.resolvedAt) >= from));
}

function alertCheck(source: string, hits: GuardAlert[], unit: string, what: string, none: string): CheckResult {
  const found = `${hits.length} ${what}: ${[...new Set(hits.map((h) => `${h.type} on ${h.cellId}`))].slice(0, 3).join(", ")}`;
  const passed = hits.length === 0;
  return {
    check: source,
    passed,
    state: passed ? "pass" : "breach",
    measured: hits.length,
    threshold: 0,
    unit,
    detail: passed ? none : found,
  };
}

/** Where a check's alert window starts: the whole bake when final, its own trailing window when continuous. */
function alertFrom(o: GuardOptions, windowMs: number): number {
  if (o.mode === "final") return o.since.getTime();
  return Math.max(o.since.getTime(), o.now.getTime() - realWindowMs(windowMs, o.timeScale));
}

/** One check over the window. */
export function evaluateCheck(c: CheckSpec, cells: readonly string[], w: GuardWindow, o: GuardOptions): CheckResult {
  const to = o.now.getTime();
  switch (c.kind) {
    case "error_rate":
      return absolute(c.source, METRICS.error_rate, c.max ?? o.thresholds.errorRate, c, cells, w);
    case "latency":
      return absolute(c.source, METRICS.latency, c.maxP99Ms ?? o.thresholds.p99Ms, c, cells, w);
    case "relative":
      return relative(c, cells, w);
    case "no_alerts": {
      // "no_pagerduty_alerts": alerts of that type, or any paging (critical) alert, on the watched cells.
      const from = alertFrom(o, c.forMs);
      const hits = alertsIn(
        w.alerts,
        from,
        to,
        (a) => a.type === c.alertType || a.type.startsWith(`${c.alertType}.`) || a.severity === "critical",
      );
      return alertCheck(c.source, hits, "alerts", "alert(s)", o.mode === "final" ? "no alerts during the bake" : "no alerts");
    }
    case "customer_complaints": {
      const hits = alertsIn(w.alerts, alertFrom(o, GUARD_DEFAULTS.windowMs), to, (a) => a.type === "customer_complaint");
      return alertCheck(c.source, hits, "complaints", "complaint(s)", "no customer complaints");
    }
  }
}

/**
 * The guard's verdict over `cells` (the cells under watch): breached when any check breaches; not
 * enough data when any check lacks evidence; otherwise watching (every check passes).
 */
export function evaluateGuard(checks: readonly CheckSpec[], cells: readonly string[], w: GuardWindow, o: GuardOptions): GuardVerdict {
  const results = checks.map((c) => evaluateCheck(c, cells, w, o));
  const breach = results.find((r) => r.state === "breach") ?? null;
  const state: GuardState = breach ? "breached" : results.some((r) => r.state === "not_enough_data") ? "not_enough_data" : "watching";
  return { state, results, breach };
}

/** The trailing window of a continuous guard at `now`: never before `since`. */
export function trailingWindow(now: Date, since: Date, timeScale: number): { from: Date; to: Date } {
  return { from: new Date(Math.max(since.getTime(), now.getTime() - realWindowMs(GUARD_DEFAULTS.windowMs, timeScale))), to: now };
}

/**
 * The guard straight from samples: `samples` of the watched cells (with a minute of look-back before
 * the window), `baseline` samples over their own window (pooled), alerts. What the tests describe.
 */
export function guardOverSamples(input: {
  checks: CheckSpec[];
  cells: string[];
  samples: Sample[];
  window: { from: Date; to: Date };
  baseline?: { samples: Sample[]; from: Date; to: Date; label: string };
  alerts?: GuardAlert[];
  options: GuardOptions;
}): GuardVerdict {
  const { window: win } = input;
  const b = input.baseline;
  const baseReading = b ? summarise(b.samples, b.from.getTime(), b.to.getTime(), () => "baseline").baseline : undefined;
  const w: GuardWindow = {
    from: win.from.toISOString(),
    to: win.to.toISOString(),
    cells: summarise(input.samples, win.from.getTime(), win.to.getTime()),
    baseline: b ? { reading: baseReading ?? EMPTY_READING, label: b.label, from: b.from.toISOString(), to: b.to.toISOString() } : null,
    alerts: input.alerts ?? [],
  };
  return evaluateGuard(input.checks, input.cells, w, input.options);
}

/** "error_rate < 0.1% breached: smb-us-1: 5.000% vs < 0.100%" — a guard failure in words. */
export function breachText(r: CheckResult): string {
  return `${r.check} breached: ${r.detail}`;
}

export { times as formatRatio };
