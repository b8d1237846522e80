// Where a flag's rollout stands at a moment: no background job needed, the answer is a function
// of the flag (with the fleet freezes loaded beside it) and `now`. The percentage set by hand holds
// from when it was set; a scheduled step takes over once its time comes, until the next step or the
// next hand-set change. While a freeze is in force the percentage in force never rises: it is the
// lowest the plan put in force since the freeze began (a step that lowers it, a hand-set decrease,
// a guard's hold still apply). When the freeze ends the plan is in force again: the last step whose
// time passed during the freeze takes effect at once (the schedule does not shift).
import { frozenStretch } from "@/lib/settings/freezes";
import type { FlagConfig, ScheduleStep } from "./model";

export type PercentageSource =
  | { kind: "manual"; since: Date }
  | { kind: "schedule"; since: Date; step: number }
  | { kind: "held"; since: Date }
  /** A fleet freeze keeps the percentage below the plan's `planned` since `since`, until `until`. */
  | { kind: "frozen"; since: Date; until: Date; reason: string; endsAt: Date; planned: number };

export interface EffectiveRollout {
  percentage: number;
  source: PercentageSource;
}

type Rollout = Pick<FlagConfig, "rolloutPercentage" | "percentageSetAt" | "schedule" | "hold" | "freezes">;

/** Index of the last step at or before `now` (-1 when none); steps are in time order. */
export function activeStepIndex(schedule: readonly ScheduleStep[], now: Date): number {
  const t = now.getTime();
  let lo = 0,
    hi = schedule.length - 1,
    found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (schedule[mid]!.at.getTime() <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * The percentage in force at `now`: the held percentage while the guard holds the ramp; otherwise
 * the newest of (the hand-set percentage, the last scheduled step at or before `now`). On a tie the
 * schedule wins: it is the plan. During a freeze, no more than the lowest of those since it began.
 */
export function effectiveRollout(flag: Rollout, now: Date): EffectiveRollout {
  const unfrozen = unfrozenRollout(flag, now);
  const stretch = flag.freezes?.length ? frozenStretch(flag.freezes, now) : null;
  if (!stretch) return unfrozen;
  const lowest = lowestSince(flag, stretch.from, now);
  if (lowest >= unfrozen.percentage) return unfrozen;
  const { reason, endsAt } = stretch.freeze;
  return {
    percentage: lowest,
    source: { kind: "frozen", since: stretch.from, until: stretch.until, reason, endsAt, planned: unfrozen.percentage },
  };
}

/** The percentage in force at `now`, freezes aside: the hold, or the plan. */
function unfrozenRollout(flag: Rollout, now: Date): EffectiveRollout {
  if (flag.hold && flag.hold.at.getTime() <= now.getTime())
    return { percentage: flag.hold.percentage, source: { kind: "held", since: flag.hold.at } };
  return plannedRollout(flag, now);
}

/** The lowest percentage the plan (and the hold) put in force from `from` to `now`: it only changes at a step, a hand-set change or a hold. */
function lowestSince(flag: Rollout, from: Date, now: Date): number {
  const f = from.getTime(),
    t = now.getTime();
  let low = unfrozenRollout(flag, from).percentage;
  const changes = [
    flag.percentageSetAt.getTime(),
    ...(flag.hold ? [flag.hold.at.getTime()] : []),
    ...flag.schedule.map((s) => s.at.getTime()),
  ];
  for (const x of changes) if (x > f && x <= t) low = Math.min(low, unfrozenRollout(flag, new Date(x)).percentage);
  return low;
}

/** The percentage the schedule and the hand-set percentage put in force at `now`, a hold aside. */
export function plannedRollout(flag: Rollout, now: Date): EffectiveRollout {
  const i = activeStepIndex(flag.schedule, now);
  const step = i >= 0 ? flag.schedule[i]! : undefined;
  // A hand-set percentage counts from when it was set (a step wins over one "set in the future").
  if (step && (step.at.getTime() >= flag.percentageSetAt.getTime() || flag.percentageSetAt.getTime() > now.getTime())) {
    return { percentage: step.percentage, source: { kind: "schedule", since: step.at, step: i } };
  }
  return { percentage: flag.rolloutPercentage, source: { kind: "manual", since: flag.percentageSetAt } };
}

export const effectivePercentage = (flag: Rollout, now: Date) => effectiveRollout(flag, now).percentage;

/** The first step after `now`, if any. */
export function nextStep(schedule: readonly ScheduleStep[], now: Date): ScheduleStep | undefined {
  return schedule[activeStepIndex(schedule, now) + 1];
}

/**
 * The ramp as points where the effective percentage changes, from `from` to `to` (for a step chart):
 * the value at `from`, then every step, the hand-set change and each freeze's start and end inside the window.
 */
export function rampPoints(flag: Rollout, from: Date, to: Date): { at: Date; percentage: number }[] {
  const freezes = (flag.freezes ?? []).flatMap((f) => [f.startsAt.getTime(), f.endsAt.getTime()]);
  const times = [
    from.getTime(),
    flag.percentageSetAt.getTime(),
    ...flag.schedule.map((s) => s.at.getTime()),
    ...freezes,
    to.getTime(),
  ].filter((t) => t >= from.getTime() && t <= to.getTime());
  const unique = [...new Set(times)].sort((a, b) => a - b);
  const out: { at: Date; percentage: number }[] = [];
  for (const t of unique) {
    const at = new Date(t);
    const percentage = effectivePercentage(flag, at);
    if (out.length === 0 || out[out.length - 1]!.percentage !== percentage || t === to.getTime()) out.push({ at, percentage });
  }
  return out;
}

/** The standard activation plan from the runbook: day 1 0%, day 2 5%, day 3 25%, day 7 100%. */
export function standardRamp(start: Date): ScheduleStep[] {
  const day = 24 * 60 * 60 * 1000;
  return [
    { at: new Date(start.getTime()), percentage: 0 },
    { at: new Date(start.getTime() + day), percentage: 5 },
    { at: new Date(start.getTime() + 2 * day), percentage: 25 },
    { at: new Date(start.getTime() + 6 * day), percentage: 100 },
  ];
}

/** The next scheduled step would lower the percentage in force: what it is, and every later step below it. */
export interface LoweringStep {
  current: number;
  /** Whether the percentage in force was set by hand (the schedule would undo a person's choice). */
  manual: boolean;
  next: ScheduleStep;
  /** Steps after `now` below the percentage in force (the next one included). */
  lower: ScheduleStep[];
}

/** When the next scheduled step is below the percentage in force at `now`; null otherwise. */
export function nextStepLowers(flag: Rollout, now: Date): LoweringStep | null {
  const eff = effectiveRollout(flag, now);
  const next = nextStep(flag.schedule, now);
  if (!next || next.percentage >= eff.percentage) return null;
  const lower = flag.schedule.filter((s) => s.at.getTime() > now.getTime() && s.percentage < eff.percentage);
  return { current: eff.percentage, manual: eff.source.kind === "manual", next, lower };
}

/**
 * Keep `percentage` (set by hand) against a schedule that would lower it: the later steps below it
 * are dropped, or raised to it. Past steps and steps at or above it stay as they are.
 */
export function keepPercentage(schedule: readonly ScheduleStep[], percentage: number, now: Date, how: "drop" | "raise"): ScheduleStep[] {
  const future = (s: ScheduleStep) => s.at.getTime() > now.getTime();
  if (how === "drop") return schedule.filter((s) => !(future(s) && s.percentage < percentage));
  return schedule.map((s) => (future(s) && s.percentage < percentage ? { at: s.at, percentage } : s));
}
