import { describe, expect, it } from "vitest";
import { advance, convergeDelayMs, initialVersion, majority, onDesired, type Deployment } from "./convergence";
import { seededRandom } from "./random";

describe("onDesired", () => {
  const running: Deployment = { running: "v2.4.0" };
  const pending: Deployment = { running: "v2.4.0", pending: { version: "v2.5.0", at: 5_000 } };
  it.each([
    ["nothing desired: unchanged", running, null, running],
    ["desired = running: unchanged", running, "v2.4.0", running],
    ["a new version: switch after the delay", running, "v2.5.0", { running: "v2.4.0", pending: { version: "v2.5.0", at: 1_000 + 3_000 } }],
    ["the same pending version: keeps its time", pending, "v2.5.0", pending],
    ["another version while pending: reschedules", pending, "v2.5.1", { running: "v2.4.0", pending: { version: "v2.5.1", at: 4_000 } }],
    ["back to the running version (rollback before switching): cancels", pending, "v2.4.0", { running: "v2.4.0" }],
  ])("%s", (_name, d, desired, expected) => {
    expect(onDesired(d, desired, 1_000, 3_000)).toEqual(expected);
  });
});

describe("advance", () => {
  const d: Deployment = { running: "v2.4.0", pending: { version: "v2.5.0", at: 5_000 } };
  it.each([
    [4_999, { deployment: d }],
    [5_000, { deployment: { running: "v2.5.0" }, switched: { from: "v2.4.0", to: "v2.5.0" } }],
    [9_000, { deployment: { running: "v2.5.0" }, switched: { from: "v2.4.0", to: "v2.5.0" } }],
  ])("at %i ms", (now, expected) => {
    expect(advance(d, now)).toEqual(expected);
  });
  it("leaves a settled deployment alone", () => {
    expect(advance({ running: "v1" }, 1e12)).toEqual({ deployment: { running: "v1" } });
  });
});

describe("convergeDelayMs", () => {
  it("stays within the range and uses all of it", () => {
    const r = seededRandom(3);
    const xs = Array.from({ length: 2_000 }, () => convergeDelayMs({ minS: 2, maxS: 8 }, r));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(2_000);
    expect(Math.max(...xs)).toBeLessThanOrEqual(8_000);
    expect(Math.min(...xs)).toBeLessThan(2_100);
    expect(Math.max(...xs)).toBeGreaterThan(7_900);
    expect(convergeDelayMs({ minS: 5, maxS: 5 }, r)).toBe(5_000);
  });
});

describe("initial versions", () => {
  it.each([
    ["v2.4.0", "v2.5.0", "v2.3.0", "v2.4.0"],
    [null, "v2.5.0", "v2.3.0", "v2.5.0"],
    [null, null, "v2.3.0", "v2.3.0"],
    [null, null, undefined, "v1.0.0"],
  ])("observed %s, desired %s, fleet %s → %s", (observed, desired, common, expected) => {
    expect(initialVersion(observed, desired, common)).toBe(expected);
  });

  it("majority picks the most common value per key, ties stably", () => {
    const m = majority([
      { key: "sms", value: "v2.4.0" },
      { key: "sms", value: "v2.4.0" },
      { key: "sms", value: "v2.5.0" },
      { key: "voice", value: "v3.1.2" },
      { key: "voice", value: "v3.2.0" },
      { key: "video", value: null },
    ]);
    expect(Object.fromEntries(m)).toEqual({ sms: "v2.4.0", voice: "v3.2.0" });
  });
});
