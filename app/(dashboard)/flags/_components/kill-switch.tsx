"use client";
import { setFlagEnabled } from "../actions";
import { ActionError } from "./action-error";
import { useFlagAction } from "./use-flags";

/** The kill switch: one click turns the flag off for everyone, allowlisted customers included. */
export function KillSwitch({
  flagKey,
  version,
  enabled,
  canEdit,
}: {
  flagKey: string;
  version: number;
  enabled: boolean;
  canEdit: boolean;
}) {
  const { run, pending, failure } = useFlagAction(setFlagEnabled);
  return (
    <div className="flex flex-col items-end">
      <div className="flex items-center gap-3 rounded-lg border border-slate-200 bg-white px-3 py-2 shadow-sm">
        <div className="text-right">
          <div className="text-xs font-medium uppercase tracking-wide text-slate-500">Kill switch</div>
          <div className={`text-sm font-semibold ${enabled ? "text-emerald-700" : "text-slate-600"}`} data-testid="kill-switch-state">
            {pending ? "Saving…" : enabled ? "Serving" : "Off for everyone"}
          </div>
        </div>
        <button
          type="button"
          role="switch"
          aria-checked={enabled}
          aria-label={enabled ? "Turn the flag off for everyone" : "Turn the flag on"}
          title={canEdit ? undefined : "Product owners and admins only"}
          disabled={pending || !canEdit}
          onClick={() => run({ key: flagKey, version, enabled: !enabled })}
          className={`relative inline-flex h-7 w-12 shrink-0 items-center rounded-full transition-colors disabled:cursor-not-allowed disabled:opacity-60 ${enabled ? "bg-emerald-500" : "bg-slate-300"}`}
        >
          <span
            className={`inline-block h-5 w-5 transform rounded-full bg-white shadow transition-transform ${enabled ? "translate-x-6" : "translate-x-1"}`}
          />
        </button>
      </div>
      <div className="max-w-sm">
        <ActionError failure={failure} testId="kill-switch-error" />
      </div>
    </div>
  );
}
