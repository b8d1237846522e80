// The simulator's Prometheus exposition (`npm run simulate -- --expose :9464`): the readings the
// model makes, as the counters and histograms a real service would expose, labelled with `cell`,
// `service` and `version`. Every tick adds that tick's requests (rps × seconds) to the counters: the
// share that failed to `code="500"`, the latencies to a histogram whose 99th percentile, as
// `histogram_quantile` interpolates it, is the model's p99. Pure: the HTTP server is in server/.
import type { SimSample } from "./engine";

/** prom-client's default buckets (seconds). */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/**
 * Cumulative share of requests at or below each bucket bound such that linear interpolation inside
 * the bucket holding `p99s` puts the 99th percentile at `p99s`.
 */
export function bucketShares(p99s: number): number[] {
  const b = LATENCY_BUCKETS;
  const idx = b.findIndex((x) => x > p99s);
  if (idx === -1) return b.map(() => 0.98); // beyond the last bound: the quantile lands in +Inf
  const lower = idx > 0 ? b[idx - 1]! : 0;
  const r = Math.min(0.99, Math.max(0, (p99s - lower) / (b[idx]! - lower)));
  let atUpper = 0.995;
  let atLower = idx > 0 ? (0.99 - r * atUpper) / (1 - r) : 0;
  if (atLower < 0 || idx === 0) {
    atLower = 0;
    atUpper = r > 0 ? Math.min(1, 0.99 / r) : 1;
  }
  return b.map((_, j) => (j < idx - 1 ? (atLower * (j + 1)) / idx : j === idx - 1 ? atLower : j === idx ? atUpper : 1));
}

interface PairCounters {
  ok: number;
  failed: number;
  buckets: number[];
  count: number;
  sum: number;
  cpuSeconds: number;
}

const key = (cell: string, service: string, version: string) => `${cell}\u0000${service}\u0000${version}`;
const esc = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(6));

/** Counters per cell × service × version, and which of them the last tick reported (the rest are not exposed). */
export class Exposition {
  private readonly counters = new Map<string, PairCounters>();
  private present: SimSample[] = [];

  /** One tick's samples, each standing for `seconds` of traffic. Pairs absent from it (silent) disappear from the page. */
  record(samples: SimSample[], seconds: number): void {
    for (const s of samples) {
      const k = key(s.cell, s.service, s.version);
      let c = this.counters.get(k);
      if (!c) this.counters.set(k, (c = { ok: 0, failed: 0, buckets: LATENCY_BUCKETS.map(() => 0), count: 0, sum: 0, cpuSeconds: 0 }));
      const n = s.rps * seconds;
      const failed = n * s.errorRate;
      c.failed += failed;
      c.ok += n - failed;
      const shares = bucketShares(s.p99Ms / 1000);
      for (let i = 0; i < shares.length; i++) c.buckets[i]! += n * shares[i]!;
      c.count += n;
      c.sum += (n * s.p99Ms) / 1000 / 3; // a mean about a third of the p99
      c.cpuSeconds += s.cpu * seconds;
    }
    this.present = samples;
  }

  /** The text format (version 0.0.4) of the pairs the last tick reported. */
  render(): string {
    const req: string[] = [],
      hist: string[] = [],
      cpu: string[] = [],
      info: string[] = [];
    for (const s of this.present) {
      const c = this.counters.get(key(s.cell, s.service, s.version));
      if (!c) continue;
      const l = `cell="${esc(s.cell)}",service="${esc(s.service)}",version="${esc(s.version)}"`;
      req.push(`http_requests_total{${l},code="200"} ${num(c.ok)}`, `http_requests_total{${l},code="500"} ${num(c.failed)}`);
      LATENCY_BUCKETS.forEach((le, i) => hist.push(`http_request_duration_seconds_bucket{${l},le="${le}"} ${num(c.buckets[i]!)}`));
      hist.push(
        `http_request_duration_seconds_bucket{${l},le="+Inf"} ${num(c.count)}`,
        `http_request_duration_seconds_sum{${l}} ${num(c.sum)}`,
        `http_request_duration_seconds_count{${l}} ${num(c.count)}`,
      );
      cpu.push(`process_cpu_seconds_total{${l}} ${num(c.cpuSeconds)}`);
      info.push(`build_info{${l}} 1`);
    }
    return [
      "# HELP http_requests_total Requests served, by status code.",
      "# TYPE http_requests_total counter",
      ...req,
      "# HELP http_request_duration_seconds Request latency.",
      "# TYPE http_request_duration_seconds histogram",
      ...hist,
      "# HELP process_cpu_seconds_total CPU time used, in seconds.",
      "# TYPE process_cpu_seconds_total counter",
      ...cpu,
      "# HELP build_info The version running (always 1).",
      "# TYPE build_info gauge",
      ...info,
      "",
    ].join("\n");
  }
}
