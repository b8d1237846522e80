"use client";
import { Button } from "@/components/forms/button";
import { ClientForm } from "@/components/forms/client-form";
import { type ChangeEvent, useState } from "react";
import { setFlagDetails } from "../actions";
import { ActionError } from "./action-error";
import { useFlagAction } from "./use-flags";

export function DetailsEditor({
  flagKey,
  version,
  description,
  owner,
  salt,
  protected: isProtected = false,
}: {
  flagKey: string;
  version: number;
  description: string;
  owner: string;
  salt: string;
  /** Changes wait for a second product owner or an admin (change requests). */
  protected?: boolean;
}) {
  const [draft, setDraft] = useState({ description, owner, salt, protected: isProtected });
  const { run, pending, failure } = useFlagAction(setFlagDetails);
  const dirty = draft.description !== description || draft.owner !== owner || draft.salt !== salt || draft.protected !== isProtected;
  /** A text box bound to one field of the draft. */
  const bind = (k: "description" | "owner" | "salt") => ({
    value: draft[k],
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => setDraft({ ...draft, [k]: e.target.value }),
  });
  return (
    <ClientForm className="space-y-3 text-sm" onSubmit={() => run({ key: flagKey, version, ...draft })}>
      <label className="block">
        <span className="text-xs font-medium text-slate-600">Description</span>
        <textarea {...bind("description")} rows={3} className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1" />
      </label>
      <label className="block">
        <span className="text-xs font-medium text-slate-600">Owner</span>
        <input {...bind("owner")} className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1" />
      </label>
      <label className="block">
        <span className="text-xs font-medium text-slate-600">Stickiness salt</span>
        <input {...bind("salt")} className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1 font-mono" />
        {draft.salt !== salt && (
          <span className="mt-1 block text-xs text-amber-700">
            A new salt reshuffles every customer&apos;s bucket: a different set of customers will be in the rollout.
          </span>
        )}
      </label>
      <label className="flex items-start gap-2">
        <input
          type="checkbox"
          checked={draft.protected}
          onChange={(e) => setDraft({ ...draft, protected: e.target.checked })}
          className="mt-0.5"
          data-testid="details-protected"
        />
        <span>
          <span className="text-xs font-medium text-slate-600">Protected</span>
          <span className="block text-xs text-slate-500">
            Every change by a person becomes a change request that another product owner or an admin approves; switching the flag off still
            applies at once.
          </span>
        </span>
      </label>
      <Button variant="primary" type="submit" disabled={!dirty || pending}>
        {pending ? "Saving…" : "Save details"}
      </Button>
      <ActionError failure={failure} testId="details-error" />
    </ClientForm>
  );
}
