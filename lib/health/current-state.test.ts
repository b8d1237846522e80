import { describe, expect, it } from "vitest";
import { pairUpdates } from "./current-state";
import type { Sample } from "./telemetry";
import { DEFAULT_THRESHOLDS as T } from "./thresholds";

const at = (m: number) => new Date(Date.UTC(2026, 10, 26, 12, m));
const s = (m: number, errorRate = 0, o: Partial<Sample> = {}): Sample => ({
  cell: "c1",
  service: "sms",
  ts: at(m),
  errorRate,
  p99Ms: 100,
  cpu: 0.1,
  rps: 1,
  ...o,
});

describe("pairUpdates", () => {
  it.each([
    ["all green", [s(0), s(1)], { status: "green", statusRunStart: at(0), statusRunWhole: true, errorBreachStart: null }],
    [
      "turns red mid-batch",
      [s(0), s(1, 0.05), s(2, 0.05)],
      { status: "red", statusRunStart: at(1), statusRunWhole: false, errorBreachStart: at(1), errorBreachWhole: false },
    ],
    ["red throughout", [s(0, 0.05), s(1, 0.05)], { status: "red", statusRunWhole: true, errorBreachStart: at(0), errorBreachWhole: true }],
    ["recovers", [s(0, 0.05), s(1)], { status: "green", statusRunStart: at(1), errorBreachStart: null }],
    ["out of order input is sorted", [s(2, 0.05), s(0), s(1, 0.05)], { status: "red", statusRunStart: at(1), errorBreachStart: at(1) }],
    // One sample per pair (the usual batch) takes a shorter path to the same answers.
    [
      "one green sample",
      [s(0)],
      {
        status: "green",
        statusRunStart: at(0),
        statusRunWhole: true,
        errorBreachStart: null,
        errorBreachWhole: false,
        latencyBreachStart: null,
        latencyBreachWhole: false,
      },
    ],
    [
      "one yellow sample",
      [s(0, 0.002)],
      { status: "yellow", statusRunStart: at(0), statusRunWhole: true, errorBreachStart: null, errorBreachWhole: false },
    ],
    [
      "one sample red by errors",
      [s(0, 0.05)],
      {
        status: "red",
        statusRunStart: at(0),
        statusRunWhole: true,
        errorBreachStart: at(0),
        errorBreachWhole: true,
        latencyBreachStart: null,
      },
    ],
    [
      "one sample red by latency",
      [s(0, 0, { p99Ms: 1500 })],
      { status: "red", errorBreachStart: null, latencyBreachStart: at(0), latencyBreachWhole: true },
    ],
    [
      "one sample with versions",
      [s(3, 0, { version: "v2", apiVersions: ["v2", "v1", "v2"] })],
      { version: { value: "v2", ts: at(3) }, apiVersions: { values: ["v1", "v2"], ts: at(3) } },
    ],
    ["one sample without versions", [s(3)], { version: undefined, apiVersions: undefined }],
  ] as [string, Sample[], object][])("%s", (_n, samples, want) => {
    expect(pairUpdates(samples, T)[0]).toMatchObject(want);
  });

  it("keeps the latest version and API versions and orders pairs for locking", () => {
    const u = pairUpdates(
      [
        s(0, 0, { cell: "b", version: "v1", apiVersions: ["v2", "v1", "v2"] }),
        s(1, 0, { cell: "b", version: "v2" }),
        s(0, 0, { cell: "a", service: "voice" }),
        s(0, 0, { cell: "a", service: "email" }),
      ],
      T,
    );
    expect(u.map((x) => `${x.cell}/${x.service}`)).toEqual(["a/email", "a/voice", "b/sms"]);
    expect(u[2]!.version).toEqual({ value: "v2", ts: at(1) });
    expect(u[2]!.apiVersions).toEqual({ values: ["v1", "v2"], ts: at(0), reportedBy: "v1" });
    expect(u[0]!.version).toBeUndefined();
  });
});
