import { describe, expect, it } from "vitest";
import { evaluateRules, groupByType, type AlertRow, type RuleInput } from "./alerts";
import { DEFAULT_THRESHOLDS as T } from "./thresholds";

const now = new Date("2026-11-26T12:00:00Z");
const ago = (min: number) => new Date(now.getTime() - min * 60_000);
const input = (o: Partial<RuleInput>): RuleInput => ({
  cellId: "c1",
  serviceId: "sms",
  lastSampleAt: ago(0.2),
  errorRate: 0,
  p99Ms: 100,
  errorBreachSince: null,
  latencyBreachSince: null,
  ...o,
});

describe("evaluateRules (alert after 2 min, silence after 5 min)", () => {
  it.each([
    ["healthy", input({}), []],
    ["error breach for 1 min: not yet", input({ errorRate: 0.05, errorBreachSince: ago(1) }), []],
    ["error breach for 2 min", input({ errorRate: 0.05, errorBreachSince: ago(2) }), ["high_error_rate"]],
    ["latency breach for 3 min", input({ p99Ms: 1500, latencyBreachSince: ago(3) }), ["high_latency"]],
    [
      "both",
      input({ errorRate: 0.05, p99Ms: 1500, errorBreachSince: ago(3), latencyBreachSince: ago(3) }),
      ["high_error_rate", "high_latency"],
    ],
    ["silent 6 min (stale breach ignored)", input({ lastSampleAt: ago(6), errorBreachSince: ago(10) }), ["no_data"]],
  ])("%s", (_n, i, types) => {
    expect(evaluateRules([i], now, T).map((a) => a.type)).toEqual(types);
  });

  it("dedup keys are per type, cell and service; start time is the breach start", () => {
    const [a] = evaluateRules([input({ cellId: "smb-us-1", errorRate: 0.05, errorBreachSince: ago(4) })], now, T);
    expect(a).toMatchObject({ dedupKey: "rule:high_error_rate:smb-us-1:sms", startedAt: ago(4), severity: "critical" });
  });

  it("a silent cell is red on the heatmap (thresholds: red at 5 min of silence), so its alert is critical like the other red conditions", () => {
    const [a] = evaluateRules([input({ lastSampleAt: ago(6) })], now, T);
    expect(a).toMatchObject({ type: "no_data", severity: "critical", startedAt: ago(1) });
  });
});

describe("groupByType", () => {
  const row = (type: string, cellId: string, serviceId: string | null, severity: AlertRow["severity"], min: number): AlertRow => ({
    type,
    cellId,
    serviceId,
    severity,
    startedAt: ago(min),
    summary: `${type} in ${cellId}`,
  });
  it("one incident on 12 cells is one row of 12 cells", () => {
    const rows = Array.from({ length: 12 }, (_, i) => row("high_error_rate", `smb-${i}`, "sms", "critical", i));
    const groups = groupByType(rows);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ type: "high_error_rate", alerts: 12, services: ["sms"], firstSeen: ago(11) });
    expect(groups[0]!.cells).toHaveLength(12);
  });
  it("takes the worst severity, unions services, and orders by severity then breadth", () => {
    const groups = groupByType([
      row("no_data", "a", "sms", "warning", 1),
      row("latency", "a", "sms", "warning", 1),
      row("latency", "b", "voice", "critical", 2),
      row("latency", "b", "sms", "warning", 3),
      row("customer_complaint", "c", null, "info", 1),
    ]);
    expect(groups.map((g) => g.type)).toEqual(["latency", "no_data", "customer_complaint"]);
    expect(groups[0]).toMatchObject({ severity: "critical", cells: ["a", "b"], services: ["sms", "voice"], alerts: 3 });
    expect(groups[2]!.services).toEqual([]);
  });
  it.each([
    ["none acknowledged", [null, null], 0, null],
    ["all acknowledged: the newest acknowledgement is the group's", [1, 3], 2, { by: "sre-1", at: ago(1), comment: "ack 1" }],
    ["one cell joined since", [2, null], 1, { by: "sre-2", at: ago(2), comment: "ack 2" }],
  ] as [string, (number | null)[], number, object | null][])("acknowledgements: %s", (_n, acks, acknowledged, lastAck) => {
    const rows = acks.map((m, i) => ({
      ...row("carrier_outage", `c${i}`, "sms", "critical", 10),
      ...(m === null ? {} : { acknowledgedBy: `sre-${m}`, acknowledgedAt: ago(m), ackComment: `ack ${m}` }),
    }));
    expect(groupByType(rows)[0]).toMatchObject({ alerts: 2, acknowledged, lastAck });
  });
});
