"use client";
import { useState, useTransition } from "react";
import type { ActionResult } from "@/lib/auth/action";
import type { FleetDiff } from "@/lib/fleet/fleet-yaml";
import { importFleetAction } from "./actions";

type Result = ActionResult<{ applied: boolean; diff: FleetDiff; cells: number }>;

function DiffView({ diff }: { diff: FleetDiff }) {
  const lines = [
    ...diff.servicesAdded.map((s) => ["+", `service ${s}`]),
    ...diff.servicesRemoved.map((s) => ["−", `service ${s}`]),
    ...diff.added.map((c) => ["+", `cell ${c.id} (${c.tier}, ${c.region})`]),
    ...diff.removed.map((c) => ["−", `cell ${c.id} (retired)`]),
    ...diff.changed.map((c) => ["~", `cell ${c.id}: ${c.field} ${c.from} → ${c.to}`]),
  ];
  if (!lines.length) return <p className="text-sm text-slate-600">No changes: the registry already matches the file.</p>;
  return (
    <ul className="font-mono text-xs">
      {lines.map(([sign, text], i) => (
        <li key={i} className={sign === "+" ? "text-emerald-700" : sign === "−" ? "text-red-700" : "text-amber-700"}>{sign} {text}</li>
      ))}
    </ul>
  );
}

export function ImportForm({ canApply }: { canApply: boolean }) {
  const [yaml, setYaml] = useState("");
  const [result, setResult] = useState<Result | null>(null);
  const [pending, start] = useTransition();

  const submit = (mode: "preview" | "apply") =>
    start(async () => {
      const fd = new FormData();
      fd.set("yaml", yaml);
      fd.set("mode", mode);
      setResult(await importFleetAction(fd));
    });

  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <div className="space-y-3">
        <label className="block text-sm">
          <span className="font-medium text-slate-700">Upload a file</span>
          <input
            type="file"
            accept=".yaml,.yml,text/yaml"
            className="mt-1 block text-sm"
            onChange={async (e) => {
              const f = e.target.files?.[0];
              if (f) setYaml(await f.text());
            }}
          />
        </label>
        <label className="block text-sm">
          <span className="font-medium text-slate-700">…or paste it</span>
          <textarea
            name="yaml"
            aria-label="Fleet YAML"
            value={yaml}
            onChange={(e) => setYaml(e.target.value)}
            spellCheck={false}
            rows={22}
            className="mt-1 w-full rounded-lg border border-slate-300 p-3 font-mono text-xs"
            placeholder={"template:\n  services: [sms, voice, video, whatsapp, email]\n\ncells:\n  - { id: smb-us-1, tier: smb, region: us-east-1 }"}
          />
        </label>
        <div className="flex gap-2">
          <button type="button" disabled={pending || !yaml} onClick={() => submit("preview")} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm disabled:opacity-50">
            Preview changes
          </button>
          <button type="button" disabled={pending || !yaml} onClick={() => submit("apply")} className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50" title={canApply ? undefined : "Admins only"}>
            {pending ? "Working…" : "Import"}
          </button>
        </div>
      </div>
      <div data-testid="import-result" aria-live="polite">
        {result && !result.ok && (
          <div className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-800">
            <p className="font-medium" data-testid="import-error">{result.message}</p>
            {result.specErrors && (
              <ul className="mt-2 space-y-1 font-mono text-xs" data-testid="import-errors">
                {result.specErrors.map((e, i) => (
                  <li key={i}>{e.line ? `line ${e.line}: ` : ""}{e.field}: {e.message}</li>
                ))}
              </ul>
            )}
            {result.fieldErrors && (
              <ul className="mt-2 text-xs">{Object.entries(result.fieldErrors).map(([k, v]) => <li key={k}>{k}: {v.join(", ")}</li>)}</ul>
            )}
          </div>
        )}
        {result?.ok && (
          <div className="rounded-lg border border-emerald-200 bg-emerald-50 p-4">
            <p className="mb-2 text-sm font-medium text-emerald-800" data-testid="import-success">
              {result.data.applied ? `Imported ${result.data.cells} cells.` : `Preview: ${result.data.cells} cells in the file.`}
            </p>
            <DiffView diff={result.data.diff} />
          </div>
        )}
      </div>
    </div>
  );
}
