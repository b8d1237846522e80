"use client";
import { ScrollBox } from "@/components/scroll-box";
import { X } from "lucide-react";
import { useMemo, useState } from "react";
import { formatMonthDayTime, formatRelative, fromUtcInput, toUtcInput } from "@/lib/format";
import type { ScheduleStep } from "@/lib/flags/model";
import { standardRamp } from "@/lib/flags/schedule";
import { setSchedule } from "../actions";
import { ActionError, ReadOnlyNote } from "./action-error";
import { RampChart } from "./ramp-chart";
import { useFlagAction } from "./use-flags";

interface Row {
  id: number;
  at: string; // datetime-local value, UTC
  percentage: string;
}

let nextId = 1;
const rowsOf = (steps: { at: string; percentage: number }[]): Row[] =>
  steps.map((s) => ({ id: nextId++, at: toUtcInput(new Date(s.at)), percentage: String(s.percentage) }));

export function ScheduleEditor(props: {
  flagKey: string;
  version: number;
  schedule: { at: string; percentage: number }[];
  rolloutPercentage: number;
  percentageSetAt: string;
  now: string;
  canEdit: boolean;
  /** Fleet freezes (ISO times), so the chart shows the ramp as they hold it. */
  freezes?: { startsAt: string; endsAt: string; reason: string }[];
}) {
  const { flagKey, version, canEdit } = props;
  const freezes = useMemo(
    () => (props.freezes ?? []).map((f) => ({ startsAt: new Date(f.startsAt), endsAt: new Date(f.endsAt), reason: f.reason })),
    [props.freezes],
  );
  const now = useMemo(() => new Date(props.now), [props.now]);
  const [rows, setRows] = useState<Row[]>(() => rowsOf(props.schedule));
  const { run, pending, failure } = useFlagAction(setSchedule);

  const parsed = rows.map((r) => ({ at: fromUtcInput(r.at), percentage: r.percentage === "" ? NaN : Number(r.percentage) }));
  const valid: ScheduleStep[] = parsed.filter(
    (p): p is ScheduleStep => p.at !== null && Number.isInteger(p.percentage) && p.percentage >= 0 && p.percentage <= 100,
  );
  const sorted = [...valid].sort((a, b) => a.at.getTime() - b.at.getTime());
  const outOfOrder = valid.some((s, i) => i > 0 && s.at.getTime() <= valid[i - 1]!.at.getTime());
  const saved = JSON.stringify(rowsOf(props.schedule).map(({ at, percentage }) => ({ at, percentage })));
  const dirty = JSON.stringify(rows.map(({ at, percentage }) => ({ at, percentage }))) !== saved;
  const rowError = (i: number, field: "at" | "percentage") =>
    failure && !failure.ok ? failure.fieldErrors?.[`schedule[${i}].${field}`]?.join("; ") : undefined;

  const update = (id: number, patch: Partial<Row>) => setRows((rs) => rs.map((r) => (r.id === id ? { ...r, ...patch } : r)));
  const addStep = () => {
    const last = valid.length ? Math.max(...valid.map((s) => s.at.getTime())) : now.getTime();
    const at = new Date(Math.ceil((last + 24 * 3600_000) / 3600_000) * 3600_000);
    setRows((rs) => [...rs, { id: nextId++, at: toUtcInput(at), percentage: "" }]);
  };
  const applyStandardRamp = () => {
    const start = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    setRows(rowsOf(standardRamp(start).map((s) => ({ at: s.at.toISOString(), percentage: s.percentage }))));
  };
  const save = () =>
    run({
      key: flagKey,
      version,
      schedule: rows.map((r) => ({
        at: fromUtcInput(r.at)?.toISOString() ?? r.at,
        percentage: r.percentage === "" ? null : Number(r.percentage),
      })),
    });

  return (
    <div>
      <RampChart
        schedule={sorted}
        rolloutPercentage={props.rolloutPercentage}
        percentageSetAt={new Date(props.percentageSetAt)}
        now={now}
        freezes={freezes}
      />
      {outOfOrder && <p className="mt-1 text-xs text-amber-700">The steps are not in time order; saving will be refused until they are.</p>}

      <ScrollBox>
        <table className="mt-4 w-full text-sm" data-testid="schedule-steps">
          <thead className={`text-left text-xs uppercase tracking-wide text-slate-500 ${rows.length ? "" : "sr-only"}`}>
            <tr>
              <th className="py-1 font-medium">#</th>
              <th className="py-1 font-medium">From (UTC)</th>
              <th className="py-1 font-medium">Rollout</th>
              <th className="py-1 font-medium">When</th>
              <th className="py-1" />
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((r, i) => {
              const at = fromUtcInput(r.at);
              const past = at ? at.getTime() <= now.getTime() : false;
              return (
                <tr key={r.id} data-testid="schedule-step" className={past ? "text-slate-500" : ""}>
                  <td className="py-1.5 pr-2 text-xs tabular-nums text-slate-500">{i + 1}</td>
                  <td className="py-1.5 pr-2">
                    <input
                      type="datetime-local"
                      value={r.at}
                      disabled={!canEdit || pending}
                      aria-label={`Step ${i + 1} time (UTC)`}
                      onChange={(e) => update(r.id, { at: e.target.value })}
                      className={`rounded-md border px-2 py-1 text-sm ${rowError(i, "at") ? "border-red-400 bg-red-50" : "border-slate-300"}`}
                    />
                    {rowError(i, "at") && <div className="mt-0.5 text-xs text-red-700">{rowError(i, "at")}</div>}
                  </td>
                  <td className="py-1.5 pr-2">
                    <span className="inline-flex items-center gap-1">
                      <input
                        type="number"
                        min={0}
                        max={100}
                        step={1}
                        value={r.percentage}
                        disabled={!canEdit || pending}
                        aria-label={`Step ${i + 1} percentage`}
                        onChange={(e) => update(r.id, { percentage: e.target.value })}
                        className={`w-16 rounded-md border px-2 py-1 text-right tabular-nums ${rowError(i, "percentage") ? "border-red-400 bg-red-50" : "border-slate-300"}`}
                      />
                      <span className="text-slate-500">%</span>
                    </span>
                    {rowError(i, "percentage") && <div className="mt-0.5 text-xs text-red-700">{rowError(i, "percentage")}</div>}
                  </td>
                  <td className="py-1.5 pr-2 text-xs text-slate-500">
                    {at ? `${formatRelative(at, now)}${past ? " · passed" : ""}` : "—"}
                  </td>
                  <td className="py-1.5 text-right">
                    {canEdit && (
                      <button
                        type="button"
                        disabled={pending}
                        onClick={() => setRows((rs) => rs.filter((x) => x.id !== r.id))}
                        aria-label={`Remove step ${i + 1}`}
                        className="rounded px-1.5 text-slate-500 hover:bg-slate-100 hover:text-red-600"
                      >
                        <X aria-hidden className="h-3.5 w-3.5" />
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
            {rows.length === 0 && (
              <tr>
                <td colSpan={5} className="py-3 text-sm text-slate-500">
                  No schedule: the percentage set by hand stays in force.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </ScrollBox>

      {canEdit ? (
        <div className="mt-3 flex flex-wrap items-center gap-2">
          <button
            type="button"
            onClick={addStep}
            disabled={pending}
            className="rounded-md border border-slate-300 bg-white px-2.5 py-1 text-sm hover:bg-slate-50"
          >
            Add step
          </button>
          <button
            type="button"
            onClick={applyStandardRamp}
            disabled={pending}
            className="rounded-md border border-slate-300 bg-white px-2.5 py-1 text-sm hover:bg-slate-50"
            title="0% now, 5% tomorrow, 25% the day after, 100% on day 7"
          >
            Standard ramp from now
          </button>
          {rows.length > 0 && (
            <button
              type="button"
              onClick={() => setRows([])}
              disabled={pending}
              className="rounded-md px-2.5 py-1 text-sm text-slate-500 hover:bg-slate-100"
            >
              Clear
            </button>
          )}
          <span className="flex-1" />
          {dirty && (
            <button type="button" onClick={() => setRows(rowsOf(props.schedule))} className="text-sm text-slate-500 hover:underline">
              Discard
            </button>
          )}
          <button
            type="button"
            data-testid="schedule-save"
            onClick={save}
            disabled={!dirty || pending}
            className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-50"
          >
            {pending ? "Saving…" : "Save schedule"}
          </button>
        </div>
      ) : (
        <div className="mt-3">
          <ReadOnlyNote />
        </div>
      )}
      <ActionError failure={failure} testId="schedule-error" />
      {props.schedule.length > 0 && !dirty && (
        <p className="mt-2 text-xs text-slate-500">
          Saved plan: {props.schedule.map((s) => `${s.percentage}% ${formatMonthDayTime(new Date(s.at), false)}`).join(" → ")} (UTC). Steps
          apply at their time; no job needs to run.
        </p>
      )}
    </div>
  );
}
