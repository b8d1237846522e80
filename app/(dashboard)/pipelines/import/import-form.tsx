"use client";
import Link from "next/link";
import { YamlImportForm } from "@/components/yaml-import";
import { importPipelineAction } from "./actions";

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
  return (
    <YamlImportForm
      action={importPipelineAction}
      label="Pipeline YAML"
      placeholder={PLACEHOLDER}
      previewLabel="Preview"
      applyTitle={canApply ? undefined : "Admins and release managers only"}
      fields={
        <label className="block text-sm">
          <span className="font-medium text-slate-700">Pipeline id</span>
          <span className="ml-2 text-xs text-slate-500">
            optional: overrides the file's <code className="font-mono">pipeline.id</code> (a state-machine file has none)
          </span>
          <input
            name="id"
            aria-label="Pipeline id"
            placeholder="e.g. standard"
            className="mt-1 block w-64 rounded-md border border-slate-300 px-2 py-1 font-mono text-sm"
          />
        </label>
      }
      success={(data) => (
        <>
          <p className={`font-medium ${data.pendingId ? "text-amber-800" : "text-emerald-800"}`} data-testid="import-success">
            {data.applied
              ? `${data.created ? "Created" : "Updated"} pipeline ${data.id}, version ${data.version}.`
              : data.pendingId
                ? `Not applied yet: this import changes the policy of ${data.id}, so another release manager or an admin must approve it (change #${data.pendingId}).`
                : `Preview: ${data.created ? "a new pipeline" : `replaces version ${data.version - 1} of`} ${data.id} (${data.format} form).`}
          </p>
          {data.policyChanges.length > 0 && (
            <div
              className="mt-2 rounded-md border border-amber-200 bg-amber-50 p-2 text-xs text-amber-900"
              data-testid="import-policy-changes"
            >
              <p className="font-medium">
                {data.pendingId
                  ? "Policy changes waiting for a second pair of eyes:"
                  : "Policy changes (importing waits for another release manager or an admin):"}
              </p>
              <ul className="mt-1 list-disc pl-4">
                {data.policyChanges.map((c) => (
                  <li key={c}>{c}</li>
                ))}
              </ul>
              {data.pendingId && (
                <Link href={`/pipelines/changes/${data.pendingId}`} className="mt-2 inline-block text-indigo-700 hover:underline">
                  Open the pending change →
                </Link>
              )}
            </div>
          )}
          <p className="mt-1 text-slate-700">
            {data.name}: {data.summary}
          </p>
          <ol className="mt-3 space-y-1 text-xs" data-testid="import-plan">
            {data.steps.map((s) => (
              <li key={s.name}>
                <span className="font-medium text-slate-800">{s.name}</span>
                {s.requiresApproval && (
                  <>
                    {" "}
                    <span className="text-amber-700">(approval)</span>
                  </>
                )}
                : <span className="font-mono text-slate-600">{s.cells.join(", ")}</span>
              </li>
            ))}
          </ol>
          {data.applied && (
            <Link href={`/pipelines/${data.id}`} className="mt-3 inline-block text-indigo-700 hover:underline">
              Open the pipeline →
            </Link>
          )}
        </>
      )}
    />
  );
}
