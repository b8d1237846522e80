"use client";
import Link from "next/link";
import { useState, useTransition } from "react";
import type { ActionResult } from "@/lib/auth/action";
import { importPipelineAction, type PipelineImportResult } from "./actions";

type Result = ActionResult<PipelineImportResult>;

const PLACEHOLDER = `pipeline: { id: my-pipeline, name: My rollout }
waves:
  - name: canary
    cells: [canary-us-internal]
    bake: 45m
    checks: ["error_rate < 0.1%", "p99_latency < 500ms", { no_pagerduty_alerts: 30m }]
  - name: smb
    select: 25% of smb
    bake: 4h
    checks: [error_rate, latency]`;

export function PipelineImportForm({ canApply }: { canApply: boolean }) {
  const [yaml, setYaml] = useState("");
  const [id, setId] = useState("");
  const [result, setResult] = useState<Result | null>(null);
  const [pending, start] = useTransition();

  const submit = (mode: "preview" | "apply") =>
    start(async () => {
      const fd = new FormData();
      fd.set("yaml", yaml);
      fd.set("id", id);
      fd.set("mode", mode);
      setResult(await importPipelineAction(fd));
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
            aria-label="Pipeline YAML"
            value={yaml}
            onChange={(e) => setYaml(e.target.value)}
            spellCheck={false}
            rows={22}
            className="mt-1 w-full rounded-lg border border-slate-300 p-3 font-mono text-xs"
            placeholder={PLACEHOLDER}
          />
        </label>
        <label className="block text-sm">
          <span className="font-medium text-slate-700">Pipeline id</span>
          <span className="ml-2 text-xs text-slate-500">optional: overrides the file's <code className="font-mono">pipeline.id</code> (a state-machine file has none)</span>
          <input
            name="id"
            aria-label="Pipeline id"
            value={id}
            onChange={(e) => setId(e.target.value)}
            placeholder="e.g. standard"
            className="mt-1 block w-64 rounded-md border border-slate-300 px-2 py-1 font-mono text-sm"
          />
        </label>
        <div className="flex gap-2">
          <button type="button" disabled={pending || !yaml} onClick={() => submit("preview")} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm disabled:opacity-50">
            Preview
          </button>
          <button type="button" disabled={pending || !yaml} onClick={() => submit("apply")} className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50" title={canApply ? undefined : "Admins and release managers only"}>
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
          <div className="rounded-lg border border-emerald-200 bg-emerald-50 p-4 text-sm">
            <p className="font-medium text-emerald-800" data-testid="import-success">
              {result.data.applied
                ? `${result.data.created ? "Created" : "Updated"} pipeline ${result.data.id}, version ${result.data.version}.`
                : `Preview: ${result.data.created ? "a new pipeline" : `replaces version ${result.data.version - 1} of`} ${result.data.id} (${result.data.format} form).`}
            </p>
            <p className="mt-1 text-slate-700">{result.data.name}: {result.data.summary}</p>
            <ol className="mt-3 space-y-1 text-xs" data-testid="import-plan">
              {result.data.steps.map((s) => (
                <li key={s.name}>
                  <span className="font-medium text-slate-800">{s.name}</span>
                  {s.requiresApproval && <> <span className="text-amber-700">(approval)</span></>}
                  : <span className="font-mono text-slate-600">{s.cells.join(", ")}</span>
                </li>
              ))}
            </ol>
            {result.data.applied && (
              <Link href={`/pipelines/${result.data.id}`} className="mt-3 inline-block text-indigo-700 hover:underline">Open the pipeline →</Link>
            )}
          </div>
        )}
      </div>
    </div>
  );
}
