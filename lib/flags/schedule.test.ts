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

describe("a fleet freeze holds the percentage in force (scheduled steps and all)", () => {
  const d = (day: number, hour = 0) => new Date(Date.UTC(2026, 11, day, hour));
  const freeze = (from: Date, to: Date, reason = "Black Friday") => ({ startsAt: from, endsAt: to, reason });
  const ramp = { ...flag, freezes: [freeze(d(2, 12), d(4))] };
  const lowered = { ...ramp, rolloutPercentage: 2, percentageSetAt: d(2, 18) };
  const down = {
    rolloutPercentage: 0,
    percentageSetAt: d(1),
    schedule: [
      { at: d(1), percentage: 50 },
      { at: d(3), percentage: 10 },
      { at: d(3, 12), percentage: 80 },
    ],
    freezes: [freeze(d(2), d(4))],
  };
  it.each<[string, Parameters<typeof effectiveRollout>[0], Date, number, string]>([
    ["before the freeze: the plan", ramp, d(2, 11), 5, "schedule"],
    ["the freeze begins: the step in force stays", ramp, d(2, 13), 5, "schedule"],
    ["a step that would raise it during the freeze does not take effect", ramp, d(3), 5, "frozen"],
    ["…until the freeze's last millisecond", ramp, new Date(d(4).getTime() - 1), 5, "frozen"],
    ["the freeze ends: the step whose time passed applies at once", ramp, d(4), 25, "schedule"],
    ["later steps keep their times", ramp, d(7), 100, "schedule"],
    ["a percentage lowered by hand during the freeze applies", lowered, d(2, 18), 2, "manual"],
    ["…and a later step does not raise it while frozen", lowered, d(3, 6), 2, "frozen"],
    ["…after the freeze the plan is in force again", lowered, d(4), 25, "schedule"],
    ["a scheduled decrease applies during a freeze", down, d(3), 10, "schedule"],
    ["…the increase after it waits", down, d(3, 13), 10, "frozen"],
    ["…and applies when the freeze ends", down, d(4), 80, "schedule"],
    ["a planned freeze changes nothing before it begins", { ...flag, freezes: [freeze(d(5), d(6))] }, d(3), 25, "schedule"],
    [
      "overlapping freezes are one stretch: held since the first began",
      { ...flag, freezes: [freeze(d(2, 12), d(3, 12)), freeze(d(3), d(5))] },
      d(4),
      5,
      "frozen",
    ],
    [
      "a freeze taking over at the end of another continues it",
      { ...flag, freezes: [freeze(d(2, 12), d(3, 1)), freeze(d(3, 1), d(5))] },
      d(4),
      5,
      "frozen",
    ],
    [
      "a guard's hold above the frozen percentage does not raise it",
      { ...ramp, hold: { at: d(3, 6), percentage: 25 } },
      d(3, 7),
      5,
      "frozen",
    ],
    ["…and is in force after the freeze", { ...ramp, hold: { at: d(3, 6), percentage: 25 } }, d(4), 25, "held"],
  ])("%s", (_, f, now, percentage, kind) => {
    const e = effectiveRollout(f, now);
    expect(e.percentage).toBe(percentage);
    expect(e.source.kind).toBe(kind);
  });

  it("says which freeze holds it, until when, and what the plan says", () => {
    expect(effectiveRollout(ramp, d(3)).source).toEqual({
      kind: "frozen",
      since: d(2, 12),
      until: d(4),
      reason: "Black Friday",
      endsAt: d(4),
      planned: 25,
    });
  });

  it("the ramp chart shows the plateau and the step at the freeze's end", () => {
    const pts = rampPoints(ramp, d(1), d(8));
    expect(pts.map((p) => [p.at.toISOString().slice(0, 13), p.percentage])).toEqual([
      ["2026-12-01T00", 0],
      ["2026-12-02T00", 5],
      ["2026-12-04T00", 25],
      ["2026-12-07T00", 100],
      ["2026-12-08T00", 100],
    ]);
  });
});
