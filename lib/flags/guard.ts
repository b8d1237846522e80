// Guarded ramps: a flag's ramp watched by the same checks as release waves (lib/rollouts/guards.ts).
// Pure: the store (server/guard-store.ts) reads the flag, the cells and the telemetry, and applies
// what this decides.
//
// What is watched: after each increase of the percentage in force (a scheduled step; a percentage
// raised by hand too with `watchHandRaised`), the cells where the flag is on for at least one
// customer, over the guard's trailing window — as long as later steps are planned, and for
// `watchFor` after the last one.
//
// Baseline of a relative check (`error_rate < 2x baseline`): the same cells over an equally long
// window just before the increase — their own pre-change window. Why not flag-off cells: a flag is
// on per customer, and a cell hosts many customers, so after the first few percent nearly every
// cell has some customer with the flag on and no flag-off cell is left to compare with (and cells
// targeted out differ by tier or region). The pre-change window always exists and compares like
// with like; what it cannot separate from the change is something else happening to the same cells
// at the same moment — absolute checks (`error_rate < 1%`) beside the relative one cover that.
import { formatTime } from "@/lib/format";
import type { CheckResult } from "@/lib/rollouts/engine";
import { breachText, GUARD_DEFAULTS, realWindowMs, trailingWindow } from "@/lib/rollouts/guards";
import type { Flag } from "./model";
import { effectivePercentage, nextStep, plannedRollout } from "./schedule";

/** A change of the planned percentage: when, from and to what, and whether the schedule or a person made it. */
export interface RampChange {
  at: Date;
  from: number;
  to: number;
  by: "schedule" | "hand";
}

type Ramp = Pick<Flag, "rolloutPercentage" | "percentageSetAt" | "schedule" | "percentageBefore">;

/** The last change of the planned percentage at or before `now` (a hold aside), or null. */
export function lastChange(flag: Ramp, now: Date): RampChange | null {
  const changes: RampChange[] = [];
  flag.schedule.forEach((step, i) => {
    if (step.at > now) return;
    const at = plannedRollout(flag, step.at);
    if (at.source.kind !== "schedule" || at.source.step !== i) return; // a newer hand-set percentage overrode it
    changes.push({
      at: step.at,
      from: plannedRollout(flag, new Date(step.at.getTime() - 1)).percentage,
      to: at.percentage,
      by: "schedule",
    });
  });
  if (flag.percentageSetAt <= now && plannedRollout(flag, flag.percentageSetAt).source.kind === "manual") {
    changes.push({ at: flag.percentageSetAt, from: flag.percentageBefore ?? 0, to: flag.rolloutPercentage, by: "hand" });
  }
  const real = changes.filter((c) => c.to !== c.from).sort((a, b) => a.at.getTime() - b.at.getTime());
  return real[real.length - 1] ?? null;
}

export type FlagWatch =
  | {
      watching: true;
      change: RampChange;
      /** The guard looks no further back (the change, or a product owner's resume). */
      since: Date;
      window: { from: Date; to: Date };
      baseline: { from: Date; to: Date };
    }
  | { watching: false; why: string };

/** Whether the flag's guard watches now, and over which windows. */
export function flagWatch(flag: Flag, now: Date, timeScale: number): FlagWatch {
  const g = flag.guard;
  if (!g) return { watching: false, why: "the flag has no guard" };
  if (!flag.enabled) return { watching: false, why: "the flag is switched off" };
  if (flag.hold)
    return { watching: false, why: `the ramp is held at ${flag.hold.percentage}% since ${formatTime(flag.hold.at, { utc: true })}` };
  const change = lastChange(flag, now);
  if (!change) return { watching: false, why: "nothing to watch yet: the percentage has not been raised" };
  if (change.to < change.from)
    return {
      watching: false,
      why: `the last change lowered the percentage (${change.from}% → ${change.to}% at ${formatTime(change.at, { utc: true })})`,
    };
  if (change.by === "hand" && !g.watchHandRaised)
    return {
      watching: false,
      why: "the last increase was set by hand, and this guard watches scheduled steps only (watchHandRaised: false)",
    };
  // A resume restarts the watch: the guard looks afresh from it, for as long again.
  const since = new Date(Math.max(change.at.getTime(), flag.guardSince?.getTime() ?? 0));
  const until = since.getTime() + Math.max(g.watchForMs / timeScale, GUARD_DEFAULTS.minRealWindowMs);
  if (!nextStep(flag.schedule, now) && now.getTime() > until)
    return {
      watching: false,
      why: `the last increase (to ${change.to}% at ${formatTime(change.at, { utc: true })}) was watched and passed`,
    };
  const w = realWindowMs(GUARD_DEFAULTS.windowMs, timeScale);
  return {
    watching: true,
    change,
    since,
    window: trailingWindow(now, since, timeScale),
    baseline: { from: new Date(change.at.getTime() - w), to: change.at },
  };
}

/** The label of the baseline a relative check compares with. */
export const baselineLabel = (c: RampChange) => `the same cells before ${c.to}% at ${formatTime(c.at, { seconds: true })}`;

/** What a breach does to the ramp: the percentage it holds at, and why, in words. */
export function holdFor(flag: Flag, change: RampChange, breach: CheckResult, now: Date): { percentage: number; reason: string } {
  const revert = flag.guard?.onBreach === "revert";
  // Never above what is served: during a freeze the step may not have taken effect.
  const percentage = Math.min(revert ? change.from : plannedRollout(flag, now).percentage, effectivePercentage(flag, now));
  const what = revert ? `ramp reverted to ${percentage}% (before the step to ${change.to}%)` : `ramp held at ${percentage}%`;
  return { percentage, reason: `Guard breach at ${formatTime(now, { seconds: true, utc: true })}: ${breachText(breach)} — ${what}` };
}
