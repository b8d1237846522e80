"use client";
import { SaveBar } from "@/components/forms/save-bar";
import { useState } from "react";
import { TierBadge } from "@/components/badges";
import { TIERS } from "@/lib/fleet/fleet-yaml";
import { setTargeting } from "../actions";
import { ActionError, ReadOnlyNote } from "./action-error";
import { useFlagAction } from "./use-flags";

type Targeting = { tiers: string[]; cells: string[]; regions: string[] };

const toggle = (xs: string[], x: string) => (xs.includes(x) ? xs.filter((y) => y !== x) : [...xs, x]);

/** Which customers may get the flag at all, by their home cell: every non-empty list must match. */
export function TargetingEditor({
  flagKey,
  version,
  targeting,
  cells,
  regions,
  canEdit,
}: {
  flagKey: string;
  version: number;
  targeting: Targeting;
  cells: { id: string; tier: string; region: string }[];
  regions: string[];
  canEdit: boolean;
}) {
  const [draft, setDraft] = useState<Targeting>(targeting);
  const { run, pending, failure } = useFlagAction(setTargeting);
  const dirty = JSON.stringify(draft) !== JSON.stringify(targeting);
  const off = !canEdit || pending;
  const none = !draft.tiers.length && !draft.cells.length && !draft.regions.length;

  return (
    <div className="space-y-4 text-sm" data-testid="targeting">
      <fieldset>
        <legend className="mb-1.5 text-xs font-medium uppercase tracking-wide text-slate-500">Tier of the home cell</legend>
        <div className="flex flex-wrap gap-3">
          {TIERS.map((t) => (
            <label key={t} className="inline-flex items-center gap-1.5">
              <input
                type="checkbox"
                disabled={off}
                checked={draft.tiers.includes(t)}
                onChange={() => setDraft((d) => ({ ...d, tiers: toggle(d.tiers, t) }))}
                className="accent-indigo-600"
              />
              <TierBadge tier={t} />
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend className="mb-1.5 text-xs font-medium uppercase tracking-wide text-slate-500">Region</legend>
        <div className="flex flex-wrap gap-x-3 gap-y-1.5">
          {regions.map((r) => (
            <label key={r} className="inline-flex items-center gap-1.5 font-mono text-xs">
              <input
                type="checkbox"
                disabled={off}
                checked={draft.regions.includes(r)}
                onChange={() => setDraft((d) => ({ ...d, regions: toggle(d.regions, r) }))}
                className="accent-indigo-600"
              />
              {r}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend className="mb-1.5 text-xs font-medium uppercase tracking-wide text-slate-500">Cells</legend>
        <div className="grid max-h-40 grid-cols-2 gap-x-3 gap-y-1 overflow-y-auto rounded-md border border-slate-200 p-2">
          {cells.map((c) => (
            <label key={c.id} className="inline-flex items-center gap-1.5 font-mono text-xs" title={`${c.tier}, ${c.region}`}>
              <input
                type="checkbox"
                disabled={off}
                checked={draft.cells.includes(c.id)}
                onChange={() => setDraft((d) => ({ ...d, cells: toggle(d.cells, c.id) }))}
                className="accent-indigo-600"
              />
              {c.id}
            </label>
          ))}
        </div>
      </fieldset>
      <p className="text-xs text-slate-500">
        {none
          ? "No targeting: every customer can be in the rollout."
          : "Only customers whose home cell matches every selected list are in the rollout; the allowlist bypasses targeting."}
      </p>
      {canEdit ? (
        <SaveBar
          label="Save targeting"
          testId="targeting-save"
          dirty={dirty}
          pending={pending}
          onSave={() => run({ key: flagKey, version, ...draft })}
          onDiscard={() => setDraft(targeting)}
        />
      ) : (
        <ReadOnlyNote />
      )}
      <ActionError failure={failure} testId="targeting-error" />
    </div>
  );
}
