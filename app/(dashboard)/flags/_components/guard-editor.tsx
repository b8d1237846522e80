"use client";
import { Button } from "@/components/forms/button";
import { ClientForm } from "@/components/forms/client-form";
import { type ChangeEvent, useState } from "react";
import { setGuard, setRequires } from "../actions";
import { ActionError } from "./action-error";
import { useFlagAction } from "./use-flags";

/** Code prerequisites, one per line: `sms >=2.5.0`. */
export function RequiresEditor({ flagKey, version, requires }: { flagKey: string; version: number; requires: Record<string, string> }) {
  const initial = Object.entries(requires)
    .map(([s, r]) => `${s} ${r}`)
    .join("\n");
  const [text, setText] = useState(initial);
  const { run, pending, failure } = useFlagAction(setRequires);
  const parsed = Object.fromEntries(
    text
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => {
        const at = l.search(/\s/);
        return at < 0 ? [l, ""] : [l.slice(0, at), l.slice(at).trim()];
      }),
  );
  return (
    <ClientForm className="space-y-2 text-sm" onSubmit={() => run({ key: flagKey, version, requires: parsed })}>
      <label className="block text-xs text-slate-600">
        One service and semver range per line, e.g. <code className="font-mono">sms &gt;=2.5.0</code>
        <textarea
          aria-label="Code prerequisites"
          value={text}
          rows={2}
          onChange={(e) => setText(e.target.value)}
          className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1 font-mono text-xs"
        />
      </label>
      <Button variant="primary" type="submit" disabled={pending || text === initial}>
        {pending ? "Saving…" : "Save prerequisites"}
      </Button>
      <ActionError failure={failure} testId="requires-error" />
    </ClientForm>
  );
}

interface GuardDraft {
  checks: string;
  onBreach: "hold" | "revert";
  watchHandRaised: boolean;
  notify: string;
  watchFor: string;
}

/** The ramp's guard: checks one per line (the pipelines' language), and what a breach does. */
export function GuardEditor({
  flagKey,
  version,
  guard,
}: {
  flagKey: string;
  version: number;
  guard: { checks: string[]; onBreach: "hold" | "revert"; watchHandRaised: boolean; notify: string | null; watchFor: string } | null;
}) {
  const initial: GuardDraft = guard
    ? { ...guard, checks: guard.checks.join("\n"), notify: guard.notify ?? "" }
    : { checks: "error_rate < 2x baseline\nerror_rate < 1%", onBreach: "hold", watchHandRaised: false, notify: "", watchFor: "1h" };
  const [d, setD] = useState(initial);
  const { run, pending, failure } = useFlagAction(setGuard);
  /** A text box bound to one field of the draft. */
  const bind = (k: "checks" | "watchFor" | "notify") => ({
    value: d[k],
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => setD({ ...d, [k]: e.target.value }),
  });
  const checks = d.checks
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return (
    <ClientForm
      className="space-y-2 text-sm"
      onSubmit={() => run({ key: flagKey, version, guard: { ...d, checks, notify: d.notify.trim() || null } })}
    >
      <label className="block text-xs text-slate-600">
        Checks, one per line (as in pipelines: <code className="font-mono">error_rate &lt; 2x baseline</code>,{" "}
        <code className="font-mono">p99_latency &lt; 500ms</code>)
        <textarea
          aria-label="Guard checks"
          {...bind("checks")}
          rows={3}
          className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1 font-mono text-xs"
        />
      </label>
      <div className="flex flex-wrap gap-3 text-xs text-slate-600">
        <label>
          On a breach{" "}
          <select
            aria-label="On breach"
            value={d.onBreach}
            onChange={(e) => setD({ ...d, onBreach: e.target.value as GuardDraft["onBreach"] })}
            className="rounded-md border border-slate-300 px-1 py-0.5"
          >
            <option value="hold">hold at the current step</option>
            <option value="revert">revert to the step before</option>
          </select>
        </label>
        <label>
          Watch each increase for{" "}
          <input aria-label="Watch for" {...bind("watchFor")} className="w-14 rounded-md border border-slate-300 px-1 py-0.5" />
        </label>
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={d.watchHandRaised} onChange={(e) => setD({ ...d, watchHandRaised: e.target.checked })} />
          also a percentage raised by hand
        </label>
      </div>
      <label className="block text-xs text-slate-600">
        Notify (default: the owner&apos;s channel)
        <input
          aria-label="Guard notify"
          {...bind("notify")}
          placeholder="slack://voice-team"
          className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1 font-mono text-xs"
        />
      </label>
      <div className="flex gap-2">
        <Button variant="primary" type="submit" disabled={pending}>
          {pending ? "Saving…" : guard ? "Save the guard" : "Guard this ramp"}
        </Button>
        {guard && (
          <button
            type="button"
            disabled={pending}
            onClick={() => run({ key: flagKey, version, guard: null })}
            className="rounded-md px-3 py-1.5 text-sm text-slate-600 hover:bg-slate-100"
          >
            Remove the guard
          </button>
        )}
      </div>
      <ActionError failure={failure} testId="guard-error" />
    </ClientForm>
  );
}
