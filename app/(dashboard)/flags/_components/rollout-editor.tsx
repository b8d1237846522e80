"use client";
import { SaveBar } from "@/components/forms/save-bar";
import { type ChangeEvent, useState } from "react";
import { BlastRadius } from "@/components/changes/blast-radius";
import { exposedAt, formatExposure, heldBackAt, type ExposureModel } from "@/lib/flags/exposure";
import { setRolloutPercentage } from "../actions";
import { ActionError, ReadOnlyNote } from "./action-error";
import { useFlagAction } from "./use-flags";

const PRESETS = [0, 1, 5, 10, 25, 50, 100];

export function RolloutEditor(props: {
  flagKey: string;
  version: number;
  enabled: boolean;
  percentage: number;
  sourceText: string;
  nextText: string | null;
  exposure: ExposureModel;
  canEdit: boolean;
  /** The guard holds the ramp: the percentage cannot be set by hand until a product owner resumes it. */
  held?: boolean;
  /** Code prerequisites ("sms >=2.5.0"), to say why customers are held back. */
  requires?: string[];
  /** A protected flag: a new percentage becomes a change request (with this editor's comment). */
  protectedFlag?: boolean;
  /** The fleet freeze in force, in its words ("fleet freeze until … UTC: reason"): raising is refused while it lasts. */
  freeze?: string | null;
}) {
  const { flagKey, version, enabled, percentage, exposure, held = false, requires = [], protectedFlag = false } = props;
  const [comment, setComment] = useState("");
  const canEdit = props.canEdit && !held;
  const [draft, setDraft] = useState(percentage);
  const [seen, setSeen] = useState<string[] | null>(null);
  const { run, pending, failure } = useFlagAction(setRolloutPercentage);
  const estimate = exposedAt(exposure, draft);
  const current = exposedAt(exposure, percentage);
  const dirty = draft !== percentage;
  const delta = estimate.exposed - current.exposed;
  const heldBack = heldBackAt(exposure, draft);
  // The slider and the number box edit the same draft, within the same bounds (a whole percentage; empty is 0).
  const percentInput = (type: "range" | "number", label: string, testId: string) => ({
    type,
    min: 0,
    max: 100,
    step: 1,
    value: draft,
    disabled: !canEdit || pending,
    "aria-label": label,
    "data-testid": testId,
    onChange: (e: ChangeEvent<HTMLInputElement>) => setDraft(Math.max(0, Math.min(100, Math.round(Number(e.target.value))))),
  });

  return (
    <div>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <div>
          <span className="text-3xl font-semibold tabular-nums" data-testid="rollout-current">
            {percentage}%
          </span>
          <span className="ml-2 text-sm text-slate-500">in force now · {props.sourceText}</span>
        </div>
        {props.nextText && (
          <span className="text-xs text-slate-500" data-testid="rollout-next">
            Next: {props.nextText}
          </span>
        )}
      </div>

      <div className="mt-5 flex items-center gap-4">
        <input
          {...percentInput("range", "Rollout percentage", "rollout-slider")}
          className="h-2 flex-1 cursor-pointer accent-indigo-600 disabled:cursor-not-allowed"
        />
        <label className="flex items-center gap-1 text-sm">
          <input
            {...percentInput("number", "Rollout percentage value", "rollout-input")}
            className="w-16 rounded-md border border-slate-300 px-2 py-1 text-right tabular-nums"
          />
          <span className="text-slate-500">%</span>
        </label>
      </div>
      <div className="mt-2 flex flex-wrap gap-1.5">
        {PRESETS.map((p) => (
          <button
            key={p}
            type="button"
            disabled={!canEdit || pending}
            onClick={() => setDraft(p)}
            className={`rounded-full px-2.5 py-0.5 text-xs tabular-nums ring-1 ring-inset disabled:opacity-50 ${draft === p ? "bg-indigo-600 text-white ring-indigo-600" : "bg-white text-slate-600 ring-slate-300 hover:bg-slate-50"}`}
          >
            {p}%
          </button>
        ))}
      </div>

      <div className="mt-5 rounded-lg bg-slate-50 p-3">
        <div className="flex items-baseline justify-between gap-2">
          <span className="text-xs font-medium uppercase tracking-wide text-slate-500">Estimated exposure at {draft}%</span>
          {dirty && delta !== 0 && (
            <span className={`text-xs font-medium ${delta > 0 ? "text-emerald-700" : "text-amber-700"}`}>
              {delta > 0 ? "+" : ""}
              {delta} vs now
            </span>
          )}
        </div>
        <p className="mt-1 text-lg font-semibold tabular-nums" data-testid="exposure-estimate">
          {formatExposure(estimate)}
        </p>
        <div className="mt-2 h-2 overflow-hidden rounded-full bg-slate-200">
          <div className="h-full rounded-full bg-indigo-500 transition-all" style={{ width: `${estimate.share * 100}%` }} />
        </div>
        <p className="mt-2 text-xs text-slate-500">
          {exposure.allowlisted} allowlisted (always in) + {estimate.exposed - exposure.allowlisted} of {exposure.targeted} targeted
          customers whose bucket is ≤ {draft}.
          {!enabled && <span className="font-medium text-slate-700"> The flag is switched off: nobody gets it until it is turned on.</span>}
        </p>
        {heldBack > 0 && (
          <p className="mt-1 text-xs font-medium text-amber-700" data-testid="exposure-held-back">
            {heldBack} more customer(s) at {draft}% are held back: their home cell does not run {requires.join(", ")} yet.
          </p>
        )}
      </div>

      {canEdit && dirty && (
        <div className="mt-4">
          <BlastRadius target={{ kind: "flag", key: flagKey, percentage: draft }} onSeen={setSeen} />
        </div>
      )}
      {canEdit && protectedFlag && dirty && (
        <label className="mt-4 block text-sm">
          <span className="text-xs font-medium text-slate-600">Why (kept with the change request)</span>
          <input
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            maxLength={500}
            aria-label="Change request comment"
            className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1"
          />
        </label>
      )}
      {canEdit ? (
        <SaveBar
          className="mt-4"
          label={protectedFlag ? `Request rollout ${draft}%` : `Set rollout to ${draft}%`}
          testId="rollout-save"
          dirty={dirty}
          pending={pending}
          onSave={() =>
            run({
              key: flagKey,
              version,
              percentage: draft,
              ...(seen ? { seenWarnings: seen } : {}),
              ...(protectedFlag && comment.trim() ? { comment } : {}),
            })
          }
          onDiscard={() => setDraft(percentage)}
          discardLabel="Reset"
        >
          <span className="text-xs text-slate-500">
            {protectedFlag
              ? "Protected: takes effect when another product owner or an admin approves it; then holds until the next scheduled step."
              : "Takes effect now; holds until the next scheduled step."}
          </span>
        </SaveBar>
      ) : held ? (
        <p className="mt-4 text-xs text-amber-700">The ramp is held by its guard: resume it (above) before setting a percentage by hand.</p>
      ) : (
        <div className="mt-4">
          <ReadOnlyNote />
        </div>
      )}
      {canEdit && props.freeze && draft > percentage && (
        <p className="mt-2 text-xs font-medium text-blue-800" data-testid="rollout-frozen">
          Raising the percentage is refused during the {props.freeze}. Lowering it and the kill switch still work.
        </p>
      )}
      <ActionError failure={failure} testId="rollout-error" />
    </div>
  );
}
