import { describe, expect, it } from "vitest";
import { classify, classifyReading, readingStatus, worst, type Status } from "./classify";
import { DEFAULT_THRESHOLDS as T } from "./thresholds";

const now = new Date("2026-11-26T12:00:00Z");
const ago = (s: number) => new Date(now.getTime() - s * 1000);

describe("classifyReading (defaults: red ≥1% or ≥1000 ms; yellow ≥0.1% or ≥500 ms or CPU ≥85%)", () => {
  it.each([
    [{ errorRate: 0, p99Ms: 100, cpu: 0.2 }, "green"],
    [{ errorRate: 0.000999, p99Ms: 499, cpu: 0.849 }, "green"],
    [{ errorRate: 0.001, p99Ms: 100, cpu: 0.2 }, "yellow"],
    [{ errorRate: 0, p99Ms: 500, cpu: 0.2 }, "yellow"],
    [{ errorRate: 0, p99Ms: 100, cpu: 0.85 }, "yellow"],
    [{ errorRate: 0.0099, p99Ms: 999, cpu: 0.99 }, "yellow"],
    [{ errorRate: 0.01, p99Ms: 100, cpu: 0.2 }, "red"],
    [{ errorRate: 0, p99Ms: 1000, cpu: 0.2 }, "red"],
    [{ errorRate: 0.5, p99Ms: 5000, cpu: 1 }, "red"],
  ] as const)("%j → %s", (r, want) => {
    expect(classifyReading(r, T).status).toBe(want);
    expect(readingStatus(r, T)).toBe(want);
  });

  it("readingStatus agrees with classifyReading on a grid around every threshold", () => {
    const around = (x: number) => [0, x * 0.999, x, x * 1.001];
    let n = 0;
    for (const errorRate of [...around(T.yellow.errorRate), ...around(T.red.errorRate), 1])
      for (const p99Ms of [...around(T.yellow.p99Ms), ...around(T.red.p99Ms)])
        for (const cpu of [...around(T.yellow.cpu), 1]) {
          const r = { errorRate, p99Ms, cpu };
          expect(readingStatus(r, T), JSON.stringify(r)).toBe(classifyReading(r, T).status);
          n++;
        }
    expect(n).toBe(9 * 8 * 5);
  });

  it("says why", () => {
    expect(classifyReading({ errorRate: 0.02, p99Ms: 1200, cpu: 0.1 }, T).reasons).toEqual([
      "error rate 2.0% ≥ 1.0%",
      "p99 1200 ms ≥ 1000 ms",
    ]);
  });
});

describe("classify at now", () => {
  const ok = { errorRate: 0, p99Ms: 100, cpu: 0.1 };
  it.each([
    [null, null, "no_data"],
    [ok, ago(10), "green"],
    [ok, ago(299), "green"],
    [ok, ago(300), "red"],
    [{ errorRate: 0.05, p99Ms: 1, cpu: 0 }, ago(1), "red"],
  ] as const)("reading %j last %s → %s", (r, last, want) => {
    expect(classify(r, last, now, T).status).toBe(want);
  });
  it("silence reads as 'no data for N min'", () => {
    expect(classify(ok, ago(420), now, T).reasons).toEqual(["no data for 7 min"]);
  });
});

describe("worst", () => {
  it.each([
    [[], "no_data"],
    [["no_data", "no_data"], "no_data"],
    [["green", "no_data"], "green"],
    [["green", "yellow", "green"], "yellow"],
    [["yellow", "red", "no_data"], "red"],
  ] as [Status[], Status][])("%j → %s", (list, want) => expect(worst(list)).toBe(want));
});
