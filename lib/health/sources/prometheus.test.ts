import { describe, expect, it } from "vitest";
import { currentFromAnswers, currentQueries, seriesFromAnswers, windowFromAnswers, windowQueries, windowStepMs } from "./prometheus";
import { DEFAULT_PROM_SETTINGS as S } from "./templates";

const at = new Date("2026-12-01T10:00:00Z");
const sample = (metric: Record<string, string>, v: string | number) => ({
  metric,
  value: [at.getTime() / 1000, String(v)] as [number, string],
});

describe("the Prometheus source's answers", () => {
  it("current: one reading per pair, units converted, NaN as 0, the newest version sample's time", () => {
    const a = { cell: "smb-1", service: "sms" };
    const r = currentFromAnswers(
      S,
      {
        errorRate: [sample(a, "0.02"), sample({ cell: "smb-2", service: "sms" }, "NaN")],
        p99: [sample(a, "0.25")],
        cpu: [sample(a, "0.4")],
        rps: [sample(a, "120")],
        version: [
          sample({ ...a, version: "v1" }, at.getTime() / 1000 - 10),
          sample({ ...a, version: "v2" }, at.getTime() / 1000 - 2),
          sample({ service: "sms", version: "v9" }, 1),
        ],
      },
      at,
    );
    expect(r).toEqual([
      { cell: "smb-1", service: "sms", at: new Date(at.getTime() - 2000), errorRate: 0.02, p99Ms: 250, cpu: 0.4, rps: 120, version: "v2" },
      { cell: "smb-2", service: "sms", at, errorRate: 0, p99Ms: 0, cpu: 0, rps: 0, version: null },
    ]);
    expect(currentQueries(S).version).toBe("timestamp(build_info)");
  });

  it("window: subqueries over the window at its step, restricted to the cells asked about", () => {
    const w = { from: new Date(at.getTime() - 600_000), to: at };
    expect(windowStepMs(S, w)).toBe(15_000);
    expect(windowStepMs(S, { from: new Date(at.getTime() - 24 * 3600_000), to: at })).toBe(360_000);
    const q = windowQueries(S, ["smb-1"], w);
    expect(q.versions).toBe('count_over_time((build_info{cell=~"smb-1"})[10m:15s])');
    expect(q.errorRate).toMatch(/^avg_over_time\(\(sum by \(cell, service\) \(rate\(http_requests_total\{code=~"5..", cell=~"smb-1"\}/);
  });

  it("window: readings per version, only the cells and services asked about", () => {
    const a = { cell: "smb-1", service: "sms" };
    const r = windowFromAnswers(S, ["smb-1"], ["sms"], {
      errorRate: [sample(a, "0.05"), sample({ cell: "smb-9", service: "sms" }, "0.9")],
      p99: [sample(a, "0.3")],
      cpu: [],
      rps: [sample(a, "10")],
      samples: [sample(a, "40")],
      versions: [sample({ ...a, version: "v2" }, "30"), sample({ ...a, version: "v1" }, "10")],
    });
    expect(r).toEqual([
      { cell: "smb-1", service: "sms", version: "v2", samples: 30, errorRate: 0.05, p99Ms: 300, cpu: null, rps: 10 },
      { cell: "smb-1", service: "sms", version: "v1", samples: 10, errorRate: 0.05, p99Ms: 300, cpu: null, rps: 10 },
    ]);
  });

  it("series: points per service by time", () => {
    const m = { cell: "smb-1", service: "sms" };
    const out = seriesFromAnswers(S, "smb-1", ["sms", "voice"], {
      errorRate: [{ metric: m, values: [[100, "0.1"]] }],
      p99: [{ metric: m, values: [[100, "1"]] }],
      cpu: [],
      rps: [{ metric: { cell: "smb-2", service: "sms" }, values: [[100, "5"]] }],
    });
    expect(out).toEqual({ sms: [{ t: 100_000, errorRate: 0.1, p99Ms: 1000, cpu: 0, rps: 0 }], voice: [] });
  });
});
