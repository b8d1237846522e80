import { describe, expect, it } from "vitest";
import { bucketShares, Exposition, LATENCY_BUCKETS } from "./exposition";

/** histogram_quantile's linear interpolation (Prometheus promql/quantile.go), over cumulative shares. */
function quantile(q: number, shares: number[]): number {
  const i = shares.findIndex((s) => s >= q);
  if (i === -1) return Number.POSITIVE_INFINITY;
  const lower = i > 0 ? LATENCY_BUCKETS[i - 1]! : 0;
  const below = i > 0 ? shares[i - 1]! : 0;
  return lower + (LATENCY_BUCKETS[i]! - lower) * ((q - below) / (shares[i]! - below));
}

describe("the simulator's exposition", () => {
  it.each([0.006, 0.01, 0.14, 0.25, 0.45, 0.7, 1.8, 9])("puts histogram_quantile(0.99) at the model's p99 (%s s)", (p99) => {
    const shares = bucketShares(p99);
    for (let i = 1; i < shares.length; i++) expect(shares[i]!).toBeGreaterThanOrEqual(shares[i - 1]!);
    expect(quantile(0.99, shares)).toBeCloseTo(p99, 3);
  });

  it("counts requests, failures and CPU; shows only the pairs of the last tick, on their running version", () => {
    const e = new Exposition();
    const s = { cell: "smb-1", service: "sms", ts: 0, errorRate: 0.05, p99Ms: 200, cpu: 0.5, rps: 100, version: "v1", apiVersions: [] };
    e.record([s], 2);
    e.record([s], 2);
    const text = e.render();
    expect(text).toContain('http_requests_total{cell="smb-1",service="sms",version="v1",code="500"} 20');
    expect(text).toContain('http_requests_total{cell="smb-1",service="sms",version="v1",code="200"} 380');
    expect(text).toContain('process_cpu_seconds_total{cell="smb-1",service="sms",version="v1"} 2');
    expect(text).toContain('build_info{cell="smb-1",service="sms",version="v1"} 1');
    e.record([{ ...s, version: "v2" }], 2);
    expect(e.render()).not.toContain('version="v1"');
    e.record([], 2);
    expect(e.render()).not.toContain("smb-1");
  });
});
