"use client";
import { useState, useTransition } from "react";
import type { ActionResult } from "@/lib/auth/action";
import { routeKey, type TableDiff } from "@/lib/gateway/model";
import { importGatewayAction, type ImportOutcome } from "../actions";

type Result = ActionResult<ImportOutcome>;

function DiffView({ diff }: { diff: TableDiff }) {
  const lines = [
    ...diff.added.map((r) => ["+", `route ${routeKey(r)} (${r.status}, ${r.service} ${r.version})`]),
    ...diff.removed.map((r) => ["−", `route ${routeKey(r)} (removed)`]),
    ...diff.changed.map((c) => ["~", `route ${c.key}: ${c.changes.map((x) => `${x.field} ${x.from?.replace("T00:00:00.000Z", "") ?? "—"} → ${x.to?.replace("T00:00:00.000Z", "") ?? "—"}`).join("; ")}`]),
    ...(diff.reordered ? [["~", "routes reordered"]] : []),
  ];
  if (!lines.length) return <p className="text-sm text-slate-600">No changes: the route table already matches the file (the config version stays).</p>;
  return (
    <ul className="font-mono text-xs" data-testid="import-diff">
      {lines.map(([sign, text], i) => (
        <li key={i} className={sign === "+" ? "text-emerald-700" : sign === "−" ? "text-red-700" : "text-amber-700"}>{sign} {text}</li>
      ))}
    </ul>
  );
}

export function GatewayImportForm() {
  const [yaml, setYaml] = useState("");
  const [result, setResult] = useState<Result | null>(null);
  const [pending, start] = useTransition();
  const submit = (mode: "preview" | "apply") =>
    start(async () => {
      const fd = new FormData();
      fd.set("yaml", yaml);
      fd.set("mode", mode);
      setResult(await importGatewayAction(fd));
    });

  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <div className="space-y-3">
        <label className="block text-sm">
          <span className="font-medium text-slate-700">Upload a file</span>
          <input type="file" accept=".yaml,.yml,.json,text/yaml,application/json" className="mt-1 block text-sm" onChange={async (e) => { const f = e.target.files?.[0]; if (f) setYaml(await f.text()); }} />
        </label>
        <label className="block text-sm">
          <span className="font-medium text-slate-700">…or paste it</span>
          <textarea
            aria-label="Gateway config YAML"
            value={yaml}
            onChange={(e) => setYaml(e.target.value)}
            spellCheck={false}
            rows={24}
            className="mt-1 w-full rounded-lg border border-slate-300 p-3 font-mono text-xs"
            placeholder={"routes:\n  - path: /v2/Messages\n    status: active\n    backend: ${cell_router}/sms/v2/messages\n    introduced: 2025-01-15"}
          />
        </label>
        <div className="flex gap-2">
          <button type="button" disabled={pending || !yaml} onClick={() => submit("preview")} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm disabled:opacity-50">Preview changes</button>
          <button type="button" disabled={pending || !yaml} onClick={() => submit("apply")} className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50">{pending ? "Working…" : "Import"}</button>
        </div>
      </div>
      <div data-testid="import-result" aria-live="polite" className="space-y-3">
        {result && !result.ok && (
          <div className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-800">
            <p className="font-medium" data-testid="import-error">{result.message}</p>
            {result.specErrors && (
              <ul className="mt-2 space-y-1 font-mono text-xs" data-testid="import-errors">
                {result.specErrors.map((e, i) => <li key={i}>{e.line ? `line ${e.line}: ` : ""}{e.field}: {e.message}</li>)}
              </ul>
            )}
            {result.fieldErrors?.laggingCells && <p className="mt-2 text-xs">Lagging cells: <span className="font-mono">{result.fieldErrors.laggingCells.join(", ")}</span></p>}
          </div>
        )}
        {result?.ok && (
          <div className="rounded-lg border border-emerald-200 bg-emerald-50 p-4">
            <p className="mb-2 text-sm font-medium text-emerald-800" data-testid="import-success">
              {result.data.applied ? `Imported ${result.data.routes} routes · gateway config version ${result.data.version}.` : `Preview: ${result.data.routes} routes in the file.`}
            </p>
            <DiffView diff={result.data.diff} />
            {result.data.gated.length > 0 && (
              <ul className="mt-2 text-xs">
                {result.data.gated.map((g) => (
                  <li key={g.key} className={g.readiness.ready ? "text-emerald-700" : "text-red-700"}>{g.readiness.ready ? "✓" : "✕"} {g.key} would start serving: {g.readiness.summary}</li>
                ))}
              </ul>
            )}
          </div>
        )}
        {result?.ok && result.data.warnings.length > 0 && (
          <div className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900" data-testid="import-warnings">
            <p className="font-medium">Converted on import</p>
            <ul className="mt-2 space-y-1 font-mono text-xs">
              {result.data.warnings.map((w, i) => <li key={i}>{w.line ? `line ${w.line}: ` : ""}{w.field}: {w.message}</li>)}
            </ul>
          </div>
        )}
      </div>
    </div>
  );
}
