"use client";
import { ClientForm } from "@/components/forms/client-form";
import { useState } from "react";
import { resumeFlagRamp } from "../actions";
import { ActionError } from "./action-error";
import { useFlagAction } from "./use-flags";

/** A product owner resumes a ramp its guard held, saying why (audited). */
export function ResumeRamp({ flagKey, version, resumesTo }: { flagKey: string; version: number; resumesTo: number }) {
  const [comment, setComment] = useState("");
  const { run, pending, failure } = useFlagAction(resumeFlagRamp);
  return (
    <ClientForm className="mt-3 flex flex-wrap items-end gap-2" onSubmit={() => run({ key: flagKey, version, comment })}>
      <label className="flex-1 text-xs text-slate-600">
        Why is it safe to resume?
        <input
          aria-label="Resume comment"
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1 text-sm"
          placeholder="e.g. the errors came from a probe, fixed in voice v3.2.1"
        />
      </label>
      <button
        type="submit"
        disabled={pending}
        data-testid="resume-ramp"
        className="rounded-md bg-amber-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-amber-500 disabled:opacity-50"
      >
        {pending ? "Resuming…" : `Resume the ramp (${resumesTo}% now)`}
      </button>
      <div className="w-full">
        <ActionError failure={failure} testId="resume-error" />
      </div>
    </ClientForm>
  );
}
