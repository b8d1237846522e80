// The Prometheus-compatible source, pure part: which PromQL to send for each read, and how the
// answers of the HTTP query API (/api/v1/query, /api/v1/query_range) become readings. The same
// API is served by Prometheus, VictoriaMetrics, Thanos Query and Grafana Mimir.
import { pairKey } from "../current-state";
import { parseDuration } from "@/lib/rollouts/durations";
import { fleetQueries, promDuration, type PromSettings, type Signal } from "./templates";
import type { CurrentReading, SeriesPoint, TimeWindow, WindowReading } from "./types";

/** One series of an instant query's answer (resultType "vector"). */
export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** One series of a range query's answer (resultType "matrix"). */
export interface PromSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

export const NUMERIC_SIGNALS = ["errorRate", "p99", "cpu", "rps"] as const satisfies readonly Signal[];
export type NumericSignal = (typeof NUMERIC_SIGNALS)[number];

/** A p99 of +Inf (every request beyond the last bucket) shows as an hour: red, and still a number. */
const INFINITE_P99_MS = 3_600_000;

/** A sample value as a number in Cellplane's units; NaN (no traffic: 0/0) counts as 0. */
export function signalValue(signal: NumericSignal, text: string, s: Pick<PromSettings, "p99Unit">): number {
  const v = Number(text);
  if (signal === "p99") {
    if (v === Number.POSITIVE_INFINITY) return INFINITE_P99_MS;
    const ms = s.p99Unit === "seconds" ? v * 1000 : v;
    return Number.isFinite(ms) && ms > 0 ? ms : 0;
  }
  return Number.isFinite(v) && v > 0 ? v : 0;
}

/** The queries of `current()`: one per signal, the whole fleet; the version query answers each series' newest sample time. */
export function currentQueries(s: PromSettings): Record<Signal, string> {
  const q = fleetQueries(s);
  return { ...q, version: `timestamp(${q.version})` };
}

const pairOf = (m: Record<string, string>, s: PromSettings) => {
  const cell = m[s.labels.cell];
  const service = m[s.labels.service];
  return cell && service ? { cell, service, key: pairKey(cell, service) } : null;
};

/**
 * Every cell × service the answers name, with its values (a signal a pair lacks counts as 0), its
 * running version and the time of its newest version sample (else the evaluation time).
 */
export function currentFromAnswers(s: PromSettings, answers: Record<Signal, PromSample[]>, evaluatedAt: Date): CurrentReading[] {
  const out = new Map<string, CurrentReading & { seen: number }>();
  const get = (m: Record<string, string>) => {
    const p = pairOf(m, s);
    if (!p) return null;
    let r = out.get(p.key);
    if (!r) {
      r = { cell: p.cell, service: p.service, at: evaluatedAt, errorRate: 0, p99Ms: 0, cpu: 0, rps: 0, version: null, seen: 0 };
      out.set(p.key, r);
    }
    return r;
  };
  for (const signal of NUMERIC_SIGNALS) {
    const field = signal === "p99" ? "p99Ms" : signal;
    for (const x of answers[signal]) {
      const r = get(x.metric);
      if (r) r[field] = signalValue(signal, x.value[1], s);
    }
  }
  for (const x of answers.version) {
    const r = get(x.metric);
    const version = x.metric[s.labels.version];
    const seen = Number(x.value[1]) * 1000;
    if (!r || !version || !Number.isFinite(seen)) continue;
    // Several series for one pair (instances on different versions): the newest sample wins, then the highest version.
    if (seen > r.seen || (seen === r.seen && (r.version === null || version > r.version))) {
      r.seen = seen;
      r.version = version;
      r.at = new Date(Math.min(seen, evaluatedAt.getTime()));
    }
  }
  return [...out.values()].map(({ seen: _, ...r }) => r);
}

/** Evaluation step of a window read: the configured step, coarser for long windows (≤ 240 steps). */
export function windowStepMs(s: Pick<PromSettings, "step">, w: TimeWindow): number {
  const min = parseDuration(s.step) ?? 15_000;
  const span = w.to.getTime() - w.from.getTime();
  return Math.max(min, Math.ceil(span / 240 / 1000) * 1000);
}

export type WindowQueryKey = NumericSignal | "samples" | "versions";

/**
 * The queries of `readings()`, evaluated once at the window's end: each signal's mean over the
 * window (a subquery at the step), how many steps had data, and the steps each version ran.
 */
export function windowQueries(s: PromSettings, cells: string[], w: TimeWindow): Record<WindowQueryKey, string> {
  const q = fleetQueries(s, cells);
  const range = `[${promDuration(w.to.getTime() - w.from.getTime())}:${promDuration(windowStepMs(s, w))}]`;
  return {
    errorRate: `avg_over_time((${q.errorRate})${range})`,
    p99: `avg_over_time((${q.p99})${range})`,
    cpu: `avg_over_time((${q.cpu})${range})`,
    rps: `avg_over_time((${q.rps})${range})`,
    samples: `count_over_time((${q.rps})${range})`,
    versions: `count_over_time((${q.version})${range})`,
  };
}

/**
 * Window readings per cell × service × version. A pair that ran one version in the window has its
 * figures under that version; one that ran several has the window's figures under each, with the
 * steps each ran as its samples. A pair with no version series is reported with version null.
 */
export function windowFromAnswers(
  s: PromSettings,
  cells: string[],
  services: string[],
  answers: Record<WindowQueryKey, PromSample[]>,
): WindowReading[] {
  const wantCells = new Set(cells),
    wantServices = new Set(services);
  const pairs = new Map<string, { cell: string; service: string; values: Partial<Record<NumericSignal, number>>; samples: number }>();
  const take = (m: Record<string, string>) => {
    const p = pairOf(m, s);
    if (!p || !wantCells.has(p.cell) || !wantServices.has(p.service)) return null;
    let e = pairs.get(p.key);
    if (!e) pairs.set(p.key, (e = { cell: p.cell, service: p.service, values: {}, samples: 0 }));
    return e;
  };
  for (const signal of NUMERIC_SIGNALS) {
    for (const x of answers[signal]) {
      const e = take(x.metric);
      if (e) e.values[signal] = signalValue(signal, x.value[1], s);
    }
  }
  for (const x of answers.samples) {
    const e = take(x.metric);
    if (e) e.samples = Math.max(e.samples, Number(x.value[1]) || 0);
  }
  const versions = new Map<string, Map<string, number>>();
  for (const x of answers.versions) {
    const p = pairOf(x.metric, s);
    const v = x.metric[s.labels.version];
    if (!p || !v || !pairs.has(p.key)) continue;
    const m = versions.get(p.key) ?? new Map<string, number>();
    m.set(v, (m.get(v) ?? 0) + (Number(x.value[1]) || 0));
    versions.set(p.key, m);
  }
  const out: WindowReading[] = [];
  for (const [key, e] of pairs) {
    const base = {
      cell: e.cell,
      service: e.service,
      errorRate: e.values.errorRate ?? null,
      p99Ms: e.values.p99 ?? null,
      cpu: e.values.cpu ?? null,
      rps: e.values.rps ?? null,
    };
    const ran = versions.get(key);
    if (!ran?.size) out.push({ ...base, version: null, samples: e.samples });
    else for (const [version, steps] of ran) out.push({ ...base, version, samples: Math.min(steps, e.samples || steps) });
  }
  return out;
}

/** The queries of `series()`: each numeric signal, for one cell. */
export function seriesQueries(s: PromSettings, cell: string): Record<NumericSignal, string> {
  const q = fleetQueries(s, [cell]);
  return { errorRate: q.errorRate, p99: q.p99, cpu: q.cpu, rps: q.rps };
}

/** Range answers → chart points per service (a step a signal lacks counts as 0). */
export function seriesFromAnswers(
  s: PromSettings,
  cell: string,
  services: string[],
  answers: Record<NumericSignal, PromSeries[]>,
): Record<string, SeriesPoint[]> {
  const byService = new Map<string, Map<number, SeriesPoint>>(services.map((x) => [x, new Map()]));
  for (const signal of NUMERIC_SIGNALS) {
    const field = signal === "p99" ? "p99Ms" : signal;
    for (const x of answers[signal]) {
      if (x.metric[s.labels.cell] !== cell) continue;
      const points = byService.get(x.metric[s.labels.service] ?? "");
      if (!points) continue;
      for (const [ts, text] of x.values) {
        const t = Math.round(ts * 1000);
        let p = points.get(t);
        if (!p) points.set(t, (p = { t, errorRate: 0, p99Ms: 0, cpu: 0, rps: 0 }));
        p[field] = signalValue(signal, text, s);
      }
    }
  }
  return Object.fromEntries([...byService].map(([svc, m]) => [svc, [...m.values()].sort((a, b) => a.t - b.t)]));
}
