import { describe, expect, it } from "vitest";
import { parseCheck } from "./checks";
import {
  GUARD_DEFAULTS,
  guardOverSamples,
  readingsFromMeans,
  realWindowMs,
  sampleSeconds,
  summarise,
  trailingWindow,
  weightedP99,
  type GuardAlert,
  type GuardOptions,
  type Sample,
} from "./guards";
import type { CheckSpec } from "./types";

const MIN = 60_000;
const now = new Date("2026-11-26T12:00:00Z");
const T = now.getTime();
const check = (item: unknown) => parseCheck(item) as CheckSpec;

/** `count` samples of one cell × service every `everyS` seconds, the last one at `endMs`. */
function series(
  cell: string,
  v: { errorRate?: number; p99Ms?: number; rps?: number; count?: number; everyS?: number; endMs?: number; service?: string } = {},
): Sample[] {
  const { count = 10, everyS = 5, endMs = T, service = "sms" } = v;
  return Array.from({ length: count }, (_, i) => ({
    cell,
    service,
    ts: endMs - (count - 1 - i) * everyS * 1000,
    errorRate: v.errorRate ?? 0.0002,
    p99Ms: v.p99Ms ?? 180,
    rps: v.rps ?? 50,
  }));
}

const options = (o: Partial<GuardOptions> = {}): GuardOptions => ({
  now,
  since: new Date(T - 60 * MIN),
  mode: "continuous",
  timeScale: 1,
  thresholds: { errorRate: 0.001, p99Ms: 500 },
  ...o,
});

const lastTenMinutes = { from: new Date(T - 10 * MIN), to: now };

describe("readings: traffic-weighted, not a mean of samples", () => {
  it.each([
    [null, 5],
    [T - 5_000, 5],
    [T - 10_000, 10],
    [T - 60_000, 60],
    [T - 61_000, 5],
  ])("a sample after %s stands for %s s", (prev, seconds) => {
    expect(sampleSeconds(T, prev)).toBe(seconds);
  });

  it("weights each sample's error rate by the requests it stands for", () => {
    const busy = series("c", { count: 2, rps: 100, errorRate: 0 });
    const quiet = series("c", { service: "voice", count: 2, rps: 1, errorRate: 1 });
    const r = summarise([...busy, ...quiet], T - MIN, T).c!;
    expect(r.samples).toBe(4);
    expect(r.requests).toBe(2 * 100 * 5 + 2 * 1 * 5);
    expect(r.errors / r.requests).toBeCloseTo(10 / 1010, 12); // a mean of samples would say 50%
  });

  it("counts samples before the window only as predecessors", () => {
    const s = series("c", { count: 4, everyS: 10, rps: 10 }); // T-30s, T-20s, T-10s, T
    const r = summarise(s, T - 25_000, T).c!;
    expect(r.samples).toBe(3);
    expect(r.requests).toBe(3 * 10 * 10);
  });

  it.each([
    ["a quiet blip carrying under 1% of the traffic is not the p99", [...Array(99).fill([100, 100]), [2000, 1]], 100],
    ["the worst sample when it carries 1% or more", [...Array(99).fill([100, 100]), [2000, 100]], 2000],
    ["no requests, no p99", [[300, 0]], null],
  ] as [string, [number, number][], number | null][])("p99: %s", (_name, pairs, p99) => {
    expect(weightedP99(pairs.map(([p99Ms, requests]) => ({ p99Ms, requests })))).toBe(p99);
  });
});

describe("readings from a source's window means (Prometheus)", () => {
  const m = (
    cell: string,
    service: string,
    version: string | null,
    o: { rps?: number | null; e?: number; p?: number; n?: number } = {},
  ) => ({
    cell,
    service,
    version,
    samples: o.n ?? 10,
    errorRate: o.e ?? 0,
    p99Ms: o.p ?? 100,
    cpu: null,
    rps: o.rps === undefined ? 10 : o.rps,
  });
  const newSms = [{ service: "sms", version: "v2" }];

  it.each([
    [
      "the new version only",
      [m("a", "sms", "v2", { e: 0.01 }), m("a", "sms", "v1", { e: 0.5 })],
      { a: { samples: 10, requests: 600, errors: 6 } },
    ],
    [
      "traffic-weighted across services",
      [m("a", "sms", "v2", { e: 0, rps: 90 }), m("a", "voice", "v2", { e: 1, rps: 10 })],
      { a: { requests: 6000 } },
    ],
    ["samples stand in for unknown traffic", [m("a", "sms", "v2", { rps: null, n: 7 })], { a: { samples: 7, requests: 7 } }],
    ["no readings in the window, no cell", [m("a", "sms", "v2", { n: 0 })], {}],
  ] as const)("%s", (_n, means, want) => {
    const series = _n.startsWith("traffic") ? [...newSms, { service: "voice", version: "v2" }] : newSms;
    expect(readingsFromMeans(means, series, 60)).toMatchObject(want);
  });

  it("pools every cell under * for a baseline; the p99 is the traffic-weighted one", () => {
    const r = readingsFromMeans([m("a", "sms", "v2", { p: 100, rps: 99.5 }), m("b", "sms", "v2", { p: 900, rps: 0.5 })], newSms, 60, true);
    expect(Object.keys(r)).toEqual(["*"]);
    expect(r["*"]).toMatchObject({ samples: 20, requests: 6000, p99Ms: 100 });
    expect(
      readingsFromMeans([m("a", "sms", "v2", { p: 100, rps: 98 }), m("b", "sms", "v2", { p: 900, rps: 2 })], newSms, 60, true)["*"]!.p99Ms,
    ).toBe(900);
  });
});

describe("guard: a pure function of (window of samples, alerts, now)", () => {
  const ERR = check("error_rate < 0.1%");
  const P99 = check("p99_latency < 500ms");
  const REL = check("error_rate < 2x baseline");
  const REL_P99 = check("p99_latency < 1.5x baseline");
  const baseline = (samples: Sample[]) => ({ samples, from: lastTenMinutes.from, to: now, label: "smb cells on the old version" });

  it.each<{
    name: string;
    checks: CheckSpec[];
    cells: string[];
    samples: Sample[];
    base?: Sample[];
    state: "watching" | "breached" | "not_enough_data";
    expect?: Record<string, unknown>;
    detail?: RegExp;
  }>([
    {
      name: "healthy cells with enough evidence: watching, every check passes",
      checks: [ERR, P99],
      cells: ["a", "b"],
      samples: [...series("a"), ...series("b")],
      state: "watching",
    },
    {
      name: "one failing cell breaches, named with its measured value and the threshold",
      checks: [ERR],
      cells: ["a", "b"],
      samples: [...series("a"), ...series("b", { errorRate: 0.05 })],
      state: "breached",
      expect: { check: "error_rate < 0.1%", measured: 0.05, threshold: 0.001, state: "breach" },
      detail: /^worst cell b: 5\.000% vs < 0\.100%$/,
    },
    {
      name: "no samples at all is not enough data (a wave cannot pass on no data)",
      checks: [ERR],
      cells: ["a"],
      samples: [],
      state: "not_enough_data",
      detail: /not enough data from a \(0 of 3 samples, 0 of 100 requests\)/,
    },
    {
      name: "too few samples is not enough data",
      checks: [ERR],
      cells: ["a"],
      samples: series("a", { count: 2 }),
      state: "not_enough_data",
      detail: /2 of 3 samples/,
    },
    {
      name: "too little traffic is not enough data",
      checks: [ERR],
      cells: ["a"],
      samples: series("a", { rps: 1 }),
      state: "not_enough_data",
      detail: /50 of 100 requests/,
    },
    {
      name: "a bad cell without enough evidence does not breach yet",
      checks: [ERR],
      cells: ["a"],
      samples: series("a", { count: 2, errorRate: 0.5 }),
      state: "not_enough_data",
    },
    {
      name: "a check's own min_samples and min_requests override the defaults",
      checks: [check({ check: "error_rate < 0.1%", min_samples: 1, min_requests: 1 })],
      cells: ["a"],
      samples: series("a", { count: 1, rps: 1 }),
      state: "watching",
    },
    {
      name: "a silent cell beside a healthy one is not enough data",
      checks: [ERR],
      cells: ["a", "b"],
      samples: series("a"),
      state: "not_enough_data",
      detail: /^not enough data from b /,
    },
    {
      name: "bare error_rate uses Fleet health's threshold",
      checks: [check("error_rate")],
      cells: ["a"],
      samples: series("a", { errorRate: 0.002 }),
      state: "breached",
      expect: { threshold: 0.001 },
    },
    {
      name: "latency over the limit breaches",
      checks: [P99],
      cells: ["a"],
      samples: series("a", { p99Ms: 900 }),
      state: "breached",
      expect: { measured: 900, threshold: 500, unit: "ms" },
    },
    {
      name: "relative: 10× the baseline breaches 2×, shown as two numbers and their ratio",
      checks: [REL],
      cells: ["a"],
      samples: series("a", { errorRate: 0.002 }),
      base: [...series("x", { errorRate: 0.0002 }), ...series("y", { errorRate: 0.0002 })],
      state: "breached",
      expect: { measured: 0.002, baseline: 0.0002, threshold: 2 },
      detail: /^a: 0\.200% vs baseline 0\.020% \(smb cells on the old version\) = 10×, limit < 2×$/,
    },
    {
      name: "relative: 1.5× the baseline passes 2×",
      checks: [REL],
      cells: ["a"],
      samples: series("a", { errorRate: 0.0003 }),
      base: series("x", { errorRate: 0.0002 }),
      state: "watching",
      expect: { ratio: 1.5 },
    },
    {
      name: "relative: no baseline cells is not enough data",
      checks: [REL],
      cells: ["a"],
      samples: series("a"),
      state: "not_enough_data",
      detail: /no baseline cells/,
    },
    {
      name: "relative: a baseline without enough evidence is not enough data",
      checks: [REL],
      cells: ["a"],
      samples: series("a"),
      base: series("x", { count: 1 }),
      state: "not_enough_data",
      detail: /baseline \(smb cells on the old version\): 1 of 3 samples/,
    },
    {
      name: "relative: a baseline without errors counts as 0.01%, so a ratio never divides by zero",
      checks: [REL],
      cells: ["a"],
      samples: series("a", { errorRate: 0.0005 }),
      base: series("x", { errorRate: 0 }),
      state: "breached",
      expect: { baseline: 0, ratio: 5 },
    },
    {
      name: "relative p99: 1.6× the baseline breaches 1.5×",
      checks: [REL_P99],
      cells: ["a"],
      samples: series("a", { p99Ms: 320 }),
      base: series("x", { p99Ms: 200 }),
      state: "breached",
      expect: { measured: 320, baseline: 200, unit: "ms" },
    },
  ])("$name", (c) => {
    const v = guardOverSamples({
      checks: c.checks,
      cells: c.cells,
      samples: c.samples,
      window: lastTenMinutes,
      baseline: c.base ? baseline(c.base) : undefined,
      options: options(),
    });
    expect(v.state).toBe(c.state);
    const shown = v.breach ?? v.results.find((r) => r.state !== "pass") ?? v.results[0]!;
    if (c.expect) {
      for (const [k, want] of Object.entries(c.expect)) {
        if (typeof want === "number") expect(shown[k as keyof typeof shown] as number).toBeCloseTo(want, 9);
        else expect(shown[k as keyof typeof shown]).toEqual(want);
      }
    }
    if (c.detail) expect(shown.detail).toMatch(c.detail);
    expect(v.results.every((r) => r.passed === (r.state === "pass"))).toBe(true);
  });

  const alert = (type: string, startedMinAgo: number, resolvedMinAgo: number | null, severity = "warning"): GuardAlert => ({
    type,
    severity,
    cellId: "a",
    startedAt: new Date(T - startedMinAgo * MIN).toISOString(),
    resolvedAt: resolvedMinAgo === null ? null : new Date(T - resolvedMinAgo * MIN).toISOString(),
  });
  const NO_PD = check({ no_pagerduty_alerts: "30m" });

  it.each<[string, GuardAlert[], Partial<GuardOptions>, boolean]>([
    ["an open pagerduty alert breaches", [alert("pagerduty", 5, null)], {}, true],
    ["one resolved 20 minutes ago is inside the check's 30 minutes", [alert("pagerduty", 25, 20)], {}, true],
    ["one resolved 40 minutes ago is outside them (the `30m` is used)", [alert("pagerduty", 45, 40)], {}, false],
    ["…but the end-of-bake validation counts the whole bake", [alert("pagerduty", 45, 40)], { mode: "final" }, true],
    ["…and never before the wave started", [alert("pagerduty", 45, 40)], { mode: "final", since: new Date(T - 35 * MIN) }, false],
    ["any critical alert pages", [alert("rule.error_rate", 2, null, "critical")], {}, true],
    ["a warning of another type does not", [alert("rule.error_rate", 2, null)], {}, false],
    ["at time scale 60 the 30 minutes are 30 s of real time", [alert("pagerduty", 1, 40 / 60)], { timeScale: 60 }, false],
    ["…and an alert resolved 20 s ago is inside them", [alert("pagerduty", 1, 20 / 60)], { timeScale: 60 }, true],
  ])("no_pagerduty_alerts: 30m — %s", (_name, alerts, o, breached) => {
    const v = guardOverSamples({ checks: [NO_PD], cells: ["a"], samples: [], window: lastTenMinutes, alerts, options: options(o) });
    expect(v.state).toBe(breached ? "breached" : "watching");
  });

  it("customer complaints in the trailing window breach", () => {
    const v = guardOverSamples({
      checks: [check("customer_complaints")],
      cells: ["a"],
      samples: [],
      window: lastTenMinutes,
      alerts: [alert("customer_complaint", 3, null)],
      options: options(),
    });
    expect(v.breach).toMatchObject({
      check: "customer_complaints",
      measured: 1,
      threshold: 0,
      detail: "1 complaint(s): customer_complaint on a",
    });
  });
});

describe("windows", () => {
  it.each([
    [1, 10 * MIN],
    [10, MIN],
    [60, GUARD_DEFAULTS.minRealWindowMs],
    [7200, GUARD_DEFAULTS.minRealWindowMs],
  ])("10 minutes at time scale %s is %s ms of real time", (scale, real) => {
    expect(realWindowMs(10 * MIN, scale)).toBe(real);
  });

  it("a trailing window never starts before the wave did", () => {
    expect(trailingWindow(now, new Date(T - 3 * MIN), 1).from.getTime()).toBe(T - 3 * MIN);
    expect(trailingWindow(now, new Date(T - 60 * MIN), 1).from.getTime()).toBe(T - 10 * MIN);
  });
});
