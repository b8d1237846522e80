"use client";
// The next scheduled step would lower the percentage in force: say so on the flag page, and (for a
// percentage set by hand) offer to keep it — drop the later steps below it, or raise them to it.
import { TriangleAlert } from "lucide-react";
import { formatMonthDayTime } from "@/lib/format";
import { keepPercentage } from "@/lib/flags/schedule";
import { setSchedule } from "../actions";
import { ActionError } from "./action-error";
import { useFlagAction } from "./use-flags";

interface Step {
  at: string;
  percentage: number;
}

export function ScheduleWarning(props: {
  flagKey: string;
  version: number;
  current: number;
  manual: boolean;
  next: Step;
  lower: Step[];
  schedule: Step[];
  now: string;
  canEdit: boolean;
}) {
  const { run, pending, failure } = useFlagAction(setSchedule);
  const keep = (how: "drop" | "raise") =>
    run({
      key: props.flagKey,
      version: props.version,
      schedule: keepPercentage(
        props.schedule.map((s) => ({ at: new Date(s.at), percentage: s.percentage })),
        props.current,
        new Date(props.now),
        how,
      ).map((s) => ({ at: s.at.toISOString(), percentage: s.percentage })),
    });
  const n = props.lower.length;
  return (
    <div className="mb-6 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950" data-testid="schedule-lowers">
      <p className="flex items-start gap-2 font-medium">
        <TriangleAlert aria-hidden className="mt-0.5 h-4 w-4 shrink-0" />
        <span>
          The next scheduled step lowers the rollout: {props.current}% now
          {props.manual ? " (set by hand)" : ""} → {props.next.percentage}% at {formatMonthDayTime(new Date(props.next.at))}.
          {n > 1 && ` ${n} later steps are below ${props.current}%.`}
        </span>
      </p>
      {props.manual && props.canEdit && (
        <div className="mt-2 flex flex-wrap items-center gap-2">
          <span>Keep {props.current}%?</span>
          <button
            type="button"
            disabled={pending}
            onClick={() => keep("drop")}
            className="rounded-md bg-amber-700 px-3 py-1 text-sm font-medium text-white disabled:opacity-50"
          >
            Keep {props.current}%: drop the {n === 1 ? "lower step" : `${n} lower steps`}
          </button>
          <button
            type="button"
            disabled={pending}
            onClick={() => keep("raise")}
            className="rounded-md border border-amber-400 bg-white px-3 py-1 text-sm font-medium text-amber-900 disabled:opacity-50"
          >
            Keep {props.current}%: raise {n === 1 ? "it" : "them"} to {props.current}%
          </button>
          <span className="text-xs text-amber-800">or leave the schedule as it is.</span>
        </div>
      )}
      <ActionError failure={failure} testId="schedule-lowers-error" />
    </div>
  );
}
