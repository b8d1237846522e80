import { describe, expect, it } from "vitest";
import { describeCheck, formatCheck, parseCheck } from "./checks";
import type { CheckSpec } from "./types";

describe("parseCheck", () => {
  it.each<[unknown, CheckSpec]>([
    ["error_rate < 0.1%", { kind: "error_rate", max: 0.001, source: "error_rate < 0.1%" }],
    ["error_rate<2%", { kind: "error_rate", max: 0.02, source: "error_rate<2%" }],
    ["error_rate < 0.07%", { kind: "error_rate", max: 0.0007, source: "error_rate < 0.07%" }],
    ["p99_latency < 500ms", { kind: "latency", maxP99Ms: 500, source: "p99_latency < 500ms" }],
    ["latency < 1s", { kind: "latency", maxP99Ms: 1000, source: "latency < 1s" }],
    ["error_rate", { kind: "error_rate", max: null, source: "error_rate" }],
    ["latency", { kind: "latency", maxP99Ms: null, source: "latency" }],
    ["p99_latency", { kind: "latency", maxP99Ms: null, source: "p99_latency" }],
    ["customer_complaints", { kind: "customer_complaints", source: "customer_complaints" }],
    [{ no_pagerduty_alerts: "30m" }, { kind: "no_alerts", alertType: "pagerduty", forMs: 1_800_000, source: "no_pagerduty_alerts: 30m" }],
    [
      { no_customer_complaint_alerts: "1h" },
      { kind: "no_alerts", alertType: "customer_complaint", forMs: 3_600_000, source: "no_customer_complaint_alerts: 1h" },
    ],
    ["no_opsgenie_alerts: 15m", { kind: "no_alerts", alertType: "opsgenie", forMs: 900_000, source: "no_opsgenie_alerts: 15m" }],
    ["error_rate < 2x baseline", { kind: "relative", metric: "error_rate", factor: 2, source: "error_rate < 2x baseline" }],
    ["p99_latency < 1.5x baseline", { kind: "relative", metric: "latency", factor: 1.5, source: "p99_latency < 1.5x baseline" }],
    ["latency<3 x baseline", { kind: "relative", metric: "latency", factor: 3, source: "latency<3 x baseline" }],
    [
      { check: "error_rate < 0.1%", min_samples: 10, min_requests: 5000 },
      { kind: "error_rate", max: 0.001, source: "error_rate < 0.1%", minSamples: 10, minRequests: 5000 },
    ],
    [
      { check: "error_rate < 2x baseline", min_requests: 0 },
      { kind: "relative", metric: "error_rate", factor: 2, source: "error_rate < 2x baseline", minRequests: 0 },
    ],
    [{ check: "latency" }, { kind: "latency", maxP99Ms: null, source: "latency" }],
  ])("%j", (item, spec) => {
    expect(parseCheck(item)).toEqual(spec);
  });

  it.each<[unknown, RegExp]>([
    ["cpu < 80%", /unknown check "cpu"/],
    ["error_rate < 0.001", /must be a percentage/],
    ["error_rate < 150%", /at most 100%/],
    ["p99_latency < fast", /must be a duration/],
    ["p99_latency < 500", /must be a duration/],
    ["customer_complaints < 3", /takes no limit/],
    ["no_pagerduty_alerts", /needs a duration/],
    [{ no_pagerduty_alerts: 30 }, /needs a duration/],
    [{ no_pagerduty_alerts: "soon" }, /not a duration/],
    [{ pagerduty: "30m" }, /unknown check "pagerduty"/],
    [{ no_pagerduty_alerts: "30m", no_slack_alerts: "5m" }, /exactly one key/],
    [42, /a check is a string or a map/],
    [["error_rate"], /a check is a string or a map/],
    ["error_rate < 1x baseline", /above 1 and at most 100/],
    ["error_rate < 500x baseline", /above 1 and at most 100/],
    ["error_rate < 2x", /percentage or a multiple of the baseline/],
    ["customer_complaints < 2x baseline", /takes no limit/],
    ["cpu < 2x baseline", /unknown check "cpu"/],
    [{ check: "error_rate", min_samples: 0 }, /min_samples must be a whole number of at least 1/],
    [{ check: "error_rate", min_requests: 2.5 }, /min_requests must be a whole number/],
    [{ check: "error_rate", min_sample: 3 }, /unknown field "min_sample"/],
    [{ check: "customer_complaints", min_samples: 3 }, /apply to checks on telemetry/],
    [{ min_samples: 3, check: 5 }, /needs `check`/],
    ["", /empty check/],
  ])("%j is refused with a reason", (item, reason) => {
    const r = parseCheck(item);
    expect(typeof r).toBe("string");
    expect(r).toMatch(reason);
  });
});

describe("formatCheck", () => {
  it.each([
    ["error_rate < 0.1%", "error_rate < 0.1%"],
    ["latency < 1s", "p99_latency < 1s"],
    ["p99_latency < 1500ms", "p99_latency < 1500ms"],
    ["latency < 2m", "p99_latency < 120s"],
    ["p99_latency", "latency"],
    ["customer_complaints", "customer_complaints"],
    ["no_pagerduty_alerts: 30m", "no_pagerduty_alerts: 30m"],
    ["error_rate<2x baseline", "error_rate < 2x baseline"],
    ["latency < 1.50x baseline", "p99_latency < 1.5x baseline"],
  ])("%s → %s, which reads back the same", (text, canonical) => {
    const spec = parseCheck(text) as CheckSpec;
    expect(formatCheck(spec)).toBe(canonical);
    expect(parseCheck(formatCheck(spec))).toEqual({ ...spec, source: canonical });
  });
});

describe("describeCheck", () => {
  it("adds a check's own minimum evidence; checks with the defaults read as their text", () => {
    expect(describeCheck(parseCheck({ check: "error_rate < 0.1%", min_samples: 10, min_requests: 5000 }) as CheckSpec)).toBe(
      "error_rate < 0.1% (min 10 samples, 5000 requests)",
    );
    expect(describeCheck(parseCheck({ check: "latency", min_requests: 100 }) as CheckSpec)).toBe("latency (min 100 requests)");
    expect(describeCheck(parseCheck("error_rate < 2x baseline") as CheckSpec)).toBe("error_rate < 2x baseline");
  });
});
