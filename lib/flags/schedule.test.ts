import { describe, expect, it } from "vitest";
import { activeStepIndex, effectiveRollout, keepPercentage, nextStep, nextStepLowers, rampPoints, standardRamp } from "./schedule";

const t = (iso: string) => new Date(iso);
const steps = [
  { at: t("2026-12-01T00:00:00Z"), percentage: 0 },
  { at: t("2026-12-02T00:00:00Z"), percentage: 5 },
  { at: t("2026-12-03T00:00:00Z"), percentage: 25 },
  { at: t("2026-12-07T00:00:00Z"), percentage: 100 },
];
const flag = { rolloutPercentage: 0, percentageSetAt: t("2026-11-30T00:00:00Z"), schedule: steps };

describe("schedule step selection", () => {
  it.each([
    ["2026-11-30T12:00:00.000Z", -1, 0, "manual"],
    ["2026-11-30T23:59:59.999Z", -1, 0, "manual"],
    ["2026-12-01T00:00:00.000Z", 0, 0, "schedule"],
    ["2026-12-01T23:59:59.999Z", 0, 0, "schedule"],
    ["2026-12-02T00:00:00.000Z", 1, 5, "schedule"],
    ["2026-12-02T23:59:59.999Z", 1, 5, "schedule"],
    ["2026-12-03T00:00:00.000Z", 2, 25, "schedule"],
    ["2026-12-06T23:59:59.999Z", 2, 25, "schedule"],
    ["2026-12-07T00:00:00.000Z", 3, 100, "schedule"],
    ["2027-06-01T00:00:00.000Z", 3, 100, "schedule"],
  ])("at %s: step %i, %i%% (%s)", (now, index, pct, kind) => {
    expect(activeStepIndex(steps, t(now))).toBe(index);
    const e = effectiveRollout(flag, t(now));
    expect(e.percentage).toBe(pct);
    expect(e.source.kind).toBe(kind);
  });

  it("a percentage set by hand after a step holds until the next step", () => {
    const f = { ...flag, rolloutPercentage: 50, percentageSetAt: t("2026-12-02T06:00:00Z") };
    expect(effectiveRollout(f, t("2026-12-02T05:59:59.999Z")).percentage).toBe(5);
    expect(effectiveRollout(f, t("2026-12-02T06:00:00Z"))).toMatchObject({ percentage: 50, source: { kind: "manual" } });
    expect(effectiveRollout(f, t("2026-12-02T23:59:59Z")).percentage).toBe(50);
    expect(effectiveRollout(f, t("2026-12-03T00:00:00Z"))).toMatchObject({ percentage: 25, source: { kind: "schedule", step: 2 } });
  });

  it("on a tie between a step and a hand-set change, the schedule wins", () => {
    const f = { ...flag, rolloutPercentage: 70, percentageSetAt: steps[1]!.at };
    expect(effectiveRollout(f, steps[1]!.at).percentage).toBe(5);
  });

  it("without a schedule the hand-set percentage is in force", () => {
    expect(
      effectiveRollout({ rolloutPercentage: 42, percentageSetAt: t("2020-01-01T00:00:00Z"), schedule: [] }, t("2030-01-01T00:00:00Z"))
        .percentage,
    ).toBe(42);
  });

  it("next step is the first one after now", () => {
    expect(nextStep(steps, t("2026-11-01T00:00:00Z"))).toEqual(steps[0]);
    expect(nextStep(steps, t("2026-12-02T00:00:00Z"))).toEqual(steps[2]);
    expect(nextStep(steps, t("2026-12-07T00:00:00Z"))).toBeUndefined();
  });

  it("the standard ramp is the runbook's day 1 0%, day 2 5%, day 3 25%, day 7 100%", () => {
    const start = t("2026-12-01T09:00:00Z");
    expect(standardRamp(start).map((s) => [s.at.toISOString(), s.percentage])).toEqual([
      ["2026-12-01T09:00:00.000Z", 0],
      ["2026-12-02T09:00:00.000Z", 5],
      ["2026-12-03T09:00:00.000Z", 25],
      ["2026-12-07T09:00:00.000Z", 100],
    ]);
  });

  it("ramp points: one point per change, ending at the window's end", () => {
    const pts = rampPoints(flag, t("2026-11-30T00:00:00Z"), t("2026-12-08T00:00:00Z"));
    expect(pts.map((p) => [p.at.toISOString().slice(0, 10), p.percentage])).toEqual([
      ["2026-11-30", 0],
      ["2026-12-02", 5],
      ["2026-12-03", 25],
      ["2026-12-07", 100],
      ["2026-12-08", 100],
    ]);
  });
});

describe("a schedule that would lower the percentage in force", () => {
  const d = (h: number) => new Date(Date.UTC(2026, 10, 27, h));
  const flag = {
    rolloutPercentage: 10,
    percentageSetAt: d(1),
    schedule: [
      { at: d(0), percentage: 0 },
      { at: d(5), percentage: 5 },
      { at: d(8), percentage: 25 },
      { at: d(9), percentage: 8 },
      { at: d(12), percentage: 100 },
    ],
  };

  it("warns when the next step is below a hand-set percentage, naming every later step below it", () => {
    expect(nextStepLowers(flag, d(2))).toEqual({
      current: 10,
      manual: true,
      next: { at: d(5), percentage: 5 },
      lower: [
        { at: d(5), percentage: 5 },
        { at: d(9), percentage: 8 },
      ],
    });
    // Once the 25% step has taken over, the next one (8%) lowers the scheduled value: still a warning, not a hand-set one.
    expect(nextStepLowers(flag, d(8))).toMatchObject({ current: 25, manual: false, next: { percentage: 8 } });
    expect(nextStepLowers(flag, d(10))).toBeNull(); // next is 100%
    expect(nextStepLowers({ ...flag, schedule: [] }, d(2))).toBeNull();
  });

  it("keeps the hand-set value by dropping or raising the later lower steps; the past is untouched", () => {
    expect(keepPercentage(flag.schedule, 10, d(2), "drop")).toEqual([
      { at: d(0), percentage: 0 },
      { at: d(8), percentage: 25 },
      { at: d(12), percentage: 100 },
    ]);
    expect(keepPercentage(flag.schedule, 10, d(2), "raise").map((s) => s.percentage)).toEqual([0, 10, 25, 10, 100]);
    const kept = keepPercentage(flag.schedule, 10, d(2), "drop");
    expect(nextStepLowers({ ...flag, schedule: kept }, d(2))).toBeNull();
  });
});
