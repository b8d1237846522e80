import { describe, expect, it } from "vitest";
import { formatCheck, parseCheck } from "./checks";
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
    [42, /a check is a string or a one-key map/],
    [["error_rate"], /a check is a string or a one-key map/],
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
  ])("%s → %s, which reads back the same", (text, canonical) => {
    const spec = parseCheck(text) as CheckSpec;
    expect(formatCheck(spec)).toBe(canonical);
    expect(parseCheck(formatCheck(spec))).toEqual({ ...spec, source: canonical });
  });
});
