import { describe, expect, it } from "vitest";
import { classifyReading } from "@/lib/health/classify";
import { DEFAULT_THRESHOLDS } from "@/lib/health/thresholds";
import {
  cellSize,
  diurnalLoad,
  healthyReading,
  HEALTHY_CEILING,
  localHour,
  rounded,
  SERVICE_PROFILES,
  withFaults,
  type Reading,
} from "./model";
import { seededRandom } from "./random";

const at = (iso: string) => new Date(iso);
// cellSize("smb-us-1"), from its id alone.
const SMB_US_1_SIZE = 1.0125588667578995;

describe("diurnal load", () => {
  it.each([
    [4, 0.2],
    [10, 0.6],
    [16, 1.0],
    [22, 0.6],
    [0, 0.6 - 0.4 * Math.cos((2 * Math.PI * -4) / 24)],
  ])("at %i:00 local is %f of peak", (hour, load) => {
    expect(diurnalLoad(hour)).toBeCloseTo(load, 6);
  });

  it.each([
    ["us-east-1", "2026-06-01T21:00:00Z", 16],
    ["us-west-2", "2026-06-01T00:00:00Z", 16],
    ["eu-west-1", "2026-06-01T16:30:00Z", 16.5],
    ["eu-central-1", "2026-06-01T23:00:00Z", 0],
    ["ap-southeast-2", "2026-06-01T20:00:00Z", 6],
    ["ap-northeast-1", "2026-06-01T10:00:00Z", 19],
    ["sa-east-1", "2026-06-01T12:00:00Z", 9],
    ["somewhere", "2026-06-01T12:00:00Z", 12],
  ])("local hour in %s at %s is %f", (region, iso, hour) => {
    expect(localHour(region, at(iso))).toBeCloseTo(hour, 6);
  });
});

describe("healthy readings", () => {
  const cases = Object.keys(SERVICE_PROFILES).flatMap((service) => ["canary", "smb", "enterprise"].map((tier) => ({ service, tier })));

  it("stay green under the default thresholds for every service, tier, hour and seed", () => {
    const rand = seededRandom("green");
    let n = 0;
    for (const { service, tier } of cases) {
      for (let h = 0; h < 24; h++) {
        for (let k = 0; k < 60; k++) {
          const r = healthyReading(
            { cell: `${tier}-x-${k}`, tier, region: "eu-west-1", service },
            at(`2026-06-01T${String(h).padStart(2, "0")}:${String(k % 60).padStart(2, "0")}:00Z`),
            rand,
          );
          expect(classifyReading(r, DEFAULT_THRESHOLDS).status).toBe("green");
          expect(r.errorRate).toBeLessThanOrEqual(HEALTHY_CEILING.errorRate);
          n++;
        }
      }
    }
    expect(n).toBe(cases.length * 24 * 60);
  });

  function mean(service: string, iso: string, pick: (r: Reading) => number) {
    const rand = seededRandom(`mean:${iso}`);
    let sum = 0;
    for (let i = 0; i < 2_000; i++)
      sum += pick(healthyReading({ cell: "smb-eu-1", tier: "smb", region: "eu-west-1", service }, at(iso), rand));
    return sum / 2_000;
  }

  it("follow the time of day: rps, p99 and CPU are higher at the local afternoon peak than at night", () => {
    const night = "2026-06-01T04:00:00Z",
      peak = "2026-06-01T16:00:00Z";
    expect(mean("sms", peak, (r) => r.rps) / mean("sms", night, (r) => r.rps)).toBeGreaterThan(4);
    expect(mean("sms", peak, (r) => r.p99Ms)).toBeGreaterThan(mean("sms", night, (r) => r.p99Ms) * 1.4);
    expect(mean("sms", peak, (r) => r.cpu)).toBeGreaterThan(mean("sms", night, (r) => r.cpu) + 0.3);
  });

  it("have a small error rate (0.01–0.05% on average) with occasional blips", () => {
    const rand = seededRandom("errors");
    const rates = Array.from(
      { length: 20_000 },
      (_, i) =>
        healthyReading({ cell: `smb-us-${i % 40}`, tier: "smb", region: "us-east-1", service: "sms" }, at("2026-06-01T18:00:00Z"), rand)
          .errorRate,
    );
    const avg = rates.reduce((a, b) => a + b, 0) / rates.length;
    expect(avg).toBeGreaterThan(0.0001);
    expect(avg).toBeLessThan(0.0005);
    const sorted = [...rates].sort((a, b) => a - b);
    const median = sorted[rates.length >> 1]!;
    expect(rates.filter((r) => r > 2 * median).length).toBeGreaterThan(20);
  });

  it("scale rps by tier and by a stable per-cell size", () => {
    // Stable: a cell's size comes from its id alone, the same in every process and on every run (a
    // change of hash would reshuffle every simulated fleet's load, so it is pinned here).
    expect(cellSize("smb-us-1")).toBeCloseTo(SMB_US_1_SIZE, 9);
    const sizes = Array.from({ length: 200 }, (_, i) => cellSize(`smb-xx-${i}`));
    for (const s of [...sizes, cellSize("a"), cellSize("x".repeat(60))]) {
      expect(s).toBeGreaterThanOrEqual(0.7);
      expect(s).toBeLessThan(1.3);
    }
    // Per cell: sizes spread over most of the range rather than collapsing to one value.
    expect(new Set(sizes).size).toBeGreaterThan(190);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeGreaterThan(0.5);
    const rpsOf = (tier: string, cell = "c") =>
      healthyReading({ cell, tier, region: "eu-west-1", service: "email" }, at("2026-06-01T16:00:00Z"), () => 0.5).rps;
    expect(rpsOf("enterprise")).toBeGreaterThan(rpsOf("smb") * 2);
    expect(rpsOf("canary")).toBeLessThan(rpsOf("smb") / 4);
    // …and the size scales a cell's rps: same tier, region and time, in proportion to the size.
    expect(rpsOf("smb", "smb-xx-1") / rpsOf("smb", "smb-xx-2")).toBeCloseTo(sizes[1]! / sizes[2]!, 9);
  });
});

describe("faults on a reading", () => {
  const base: Reading = { errorRate: 0.0002, p99Ms: 180, cpu: 0.5, rps: 300 };
  it.each([
    ["no fault", { silent: false }, (r: Reading) => expect(r).toEqual(base)],
    [
      "bad version at 5%",
      { silent: false, errorRate: 0.05 },
      (r: Reading) => {
        expect(r.errorRate).toBeGreaterThan(0.04);
        expect(classifyReading(r, DEFAULT_THRESHOLDS).status).toBe("red");
      },
    ],
    [
      "latency spike to 1800 ms",
      { silent: false, p99Ms: 1800 },
      (r: Reading) => {
        expect(r.p99Ms).toBeGreaterThan(1600);
        expect(classifyReading(r, DEFAULT_THRESHOLDS).status).toBe("red");
      },
    ],
    [
      "latency spike to 700 ms",
      { silent: false, p99Ms: 700 },
      (r: Reading) => expect(classifyReading(r, DEFAULT_THRESHOLDS).status).toBe("yellow"),
    ],
  ])("%s", (_name, effect, check) => {
    check(withFaults(base, effect, seededRandom(1)));
  });

  it("never lowers a value below the healthy one", () => {
    expect(withFaults({ ...base, p99Ms: 400 }, { silent: false, p99Ms: 100 }, seededRandom(1)).p99Ms).toBe(400);
  });

  it("rounds for the wire", () => {
    expect(rounded({ errorRate: 0.000123456, p99Ms: 123.456, cpu: 0.123456, rps: 99.99 })).toEqual({
      errorRate: 0.000123,
      p99Ms: 123.5,
      cpu: 0.1235,
      rps: 100,
    });
  });
});
