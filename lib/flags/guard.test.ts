import { describe, expect, it } from "vitest";
import { parseCheck } from "@/lib/rollouts/checks";
import type { CheckSpec } from "@/lib/rollouts/types";
import { flagWatch, holdFor, lastChange } from "./guard";
import type { Flag, FlagGuard } from "./model";

const H = 3600_000;
const t0 = new Date("2026-12-01T09:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

const guard: FlagGuard = {
  checks: [parseCheck("error_rate < 2x baseline") as CheckSpec],
  onBreach: "hold",
  watchHandRaised: false,
  notify: null,
  watchForMs: H,
};

const flag = (o: Partial<Flag> = {}): Flag => ({
  key: "codec",
  description: "",
  owner: "voice-team",
  enabled: true,
  rolloutPercentage: 0,
  percentageSetAt: at(-10 * H),
  allowlist: [],
  salt: "codec",
  targeting: { tiers: [], cells: [], regions: [] },
  schedule: [
    { at: t0, percentage: 5 },
    { at: at(24 * H), percentage: 25 },
    { at: at(48 * H), percentage: 100 },
  ],
  requires: {},
  hold: null,
  guard,
  holdReason: null,
  percentageBefore: null,
  guardSince: null,
  version: 4,
  createdAt: at(-20 * H),
  updatedAt: at(-1 * H),
  ...o,
});

describe("the last change of a ramp", () => {
  it.each<[string, Partial<Flag>, number, ReturnType<typeof lastChange>]>([
    ["before the first step: the hand-set percentage (from nothing)", {}, -H, { at: at(-10 * H), from: 0, to: 0, by: "hand" } as never],
    ["the first step", {}, H, { at: t0, from: 0, to: 5, by: "schedule" }],
    ["the second step", {}, 25 * H, { at: at(24 * H), from: 5, to: 25, by: "schedule" }],
    [
      "a hand-set percentage after a step",
      { rolloutPercentage: 40, percentageSetAt: at(30 * H), percentageBefore: 25 },
      31 * H,
      { at: at(30 * H), from: 25, to: 40, by: "hand" },
    ],
    [
      "the step after a hand-set percentage wins again",
      { rolloutPercentage: 40, percentageSetAt: at(30 * H), percentageBefore: 25 },
      49 * H,
      {
        at: at(48 * H),
        from: 40,
        to: 100,
        by: "schedule",
      },
    ],
  ])("%s", (_name, o, now, expected) => {
    const c = lastChange(flag(o), at(now));
    if (expected && expected.to === expected.from) expect(c).toBeNull();
    else expect(c).toEqual(expected);
  });
});

describe("when the guard watches", () => {
  it.each<[string, Partial<Flag>, number, string | RegExp | true]>([
    ["after a step, with later steps planned", {}, H, true],
    ["between steps (a day later) it still watches", {}, 20 * H, true],
    ["after the last step, for watchFor", {}, 48 * H + 30 * 60_000, true],
    ["after the last step and watchFor", {}, 50 * H, /was watched and passed/],
    ["before anything was raised", {}, -H, /has not been raised/],
    ["without a guard", { guard: null }, H, /no guard/],
    ["switched off", { enabled: false }, H, /switched off/],
    ["held", { hold: { at: at(H), percentage: 5 } }, 2 * H, /held at 5%/],
    [
      "a hand raise, not watched by default",
      { rolloutPercentage: 40, percentageSetAt: at(30 * H), percentageBefore: 25 },
      31 * H,
      /set by hand/,
    ],
    [
      "a hand raise, watched with watchHandRaised",
      { rolloutPercentage: 40, percentageSetAt: at(30 * H), percentageBefore: 25, guard: { ...guard, watchHandRaised: true } },
      31 * H,
      true,
    ],
    ["a hand-lowered percentage", { rolloutPercentage: 0, percentageSetAt: at(30 * H), percentageBefore: 25 }, 31 * H, /lowered/],
  ])("%s", (_name, o, now, expected) => {
    const w = flagWatch(flag(o), at(now), 1);
    if (expected === true) expect(w.watching).toBe(true);
    else expect(w.watching ? "watching" : w.why).toMatch(expected);
  });

  it("windows: trailing 10 minutes since the step (or a resume), the baseline just before the step", () => {
    const w = flagWatch(flag(), at(H), 1);
    expect(w).toMatchObject({
      watching: true,
      since: t0,
      window: { from: at(50 * 60_000), to: at(H) },
      baseline: { from: at(-10 * 60_000), to: t0 },
    });
    const resumed = flagWatch(flag({ guardSince: at(55 * 60_000) }), at(H), 1);
    expect(resumed.watching && resumed.window.from).toEqual(at(55 * 60_000));
    const fast = flagWatch(flag(), at(60_000), 7200);
    expect(fast.watching && fast.baseline.from).toEqual(at(-30_000)); // never shorter than 30 s of real time
  });
});

describe("what a breach does", () => {
  const breach = {
    check: "error_rate < 2x baseline",
    passed: false,
    state: "breach" as const,
    measured: 0.01,
    threshold: 2,
    unit: "ratio",
    detail: "smb-us-1: 1.000% vs baseline 0.020% = 50×, limit < 2×",
  };
  it("hold: stays at the current step", () => {
    const h = holdFor(flag(), { at: at(24 * H), from: 5, to: 25, by: "schedule" }, breach, at(25 * H));
    expect(h.percentage).toBe(25);
    expect(h.reason).toBe(
      "Guard breach at 2026-12-02 10:00:00 UTC: error_rate < 2x baseline breached: smb-us-1: 1.000% vs baseline 0.020% = 50×, limit < 2× — ramp held at 25%",
    );
  });
  it("revert: back to the percentage before the step", () => {
    const h = holdFor(
      flag({ guard: { ...guard, onBreach: "revert" } }),
      { at: at(24 * H), from: 5, to: 25, by: "schedule" },
      breach,
      at(25 * H),
    );
    expect(h.percentage).toBe(5);
    expect(h.reason).toMatch(/ramp reverted to 5% \(before the step to 25%\)$/);
  });
  it("during a freeze that held the step back: holds at what is served, not at the step", () => {
    const frozen = flag({ freezes: [{ startsAt: at(23 * H), endsAt: at(48 * H), reason: "Black Friday" }] });
    const h = holdFor(frozen, { at: at(24 * H), from: 5, to: 25, by: "schedule" }, breach, at(25 * H));
    expect(h.percentage).toBe(5);
    expect(h.reason).toMatch(/ramp held at 5%$/);
  });
});
