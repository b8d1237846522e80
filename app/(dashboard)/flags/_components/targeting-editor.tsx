"use client";
import type { ReactNode } from "react";
import { SaveBar } from "@/components/forms/save-bar";
import { useState } from "react";
import { TierBadge } from "@/components/badges";
import { TIERS } from "@/lib/fleet/fleet-yaml";
import { setTargeting } from "../actions";
import { ActionError, ReadOnlyNote } from "./action-error";
import { useFlagAction } from "./use-flags";

type Targeting = { tiers: string[]; cells: string[]; regions: string[] };

/** One checkbox of a targeting list: the value it adds, and how it is shown (the value itself, in mono, by default). */
interface Choice {
  value: string;
  content?: ReactNode;
  mono?: boolean;
  title?: string;
}

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
  const lists: { list: keyof Targeting; legend: string; layout: string; options: Choice[] }[] = [
    {
      list: "tiers",
      legend: "Tier of the home cell",
      layout: "flex flex-wrap gap-3",
      options: TIERS.map((t) => ({ value: t, content: <TierBadge tier={t} /> })),
    },
    {
      list: "regions",
      legend: "Region",
      layout: "flex flex-wrap gap-x-3 gap-y-1.5",
      options: regions.map((r) => ({ value: r, mono: true })),
    },
    {
      list: "cells",
      legend: "Cells",
      layout: "grid max-h-40 grid-cols-2 gap-x-3 gap-y-1 overflow-y-auto rounded-md border border-slate-200 p-2",
      options: cells.map((c) => ({ value: c.id, mono: true, title: `${c.tier}, ${c.region}` })),
    },
  ];

  return (
    <div className="space-y-4 text-sm" data-testid="targeting">
      {lists.map(({ list, legend, layout, options }) => (
        <fieldset key={list}>
          <legend className="mb-1.5 text-xs font-medium uppercase tracking-wide text-slate-500">{legend}</legend>
          <div className={layout}>
            {options.map((o) => (
              <label key={o.value} className={`inline-flex items-center gap-1.5${o.mono ? " font-mono text-xs" : ""}`} title={o.title}>
                <input
                  type="checkbox"
                  disabled={off}
                  checked={draft[list].includes(o.value)}
                  onChange={() => setDraft((d) => ({ ...d, [list]: toggle(d[list], o.value) }))}
                  className="accent-indigo-600"
                />
                {o.content ?? o.value}
              </label>
            ))}
          </div>
        </fieldset>
      ))}
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
