"use client";
import { LineIssues } from "@/components/forms/issue-lists";
import { Check, X } from "lucide-react";
import { DiffLines, YamlImportForm, type DiffLine } from "@/components/yaml-import";
import { routeKey, type TableDiff } from "@/lib/gateway/model";
import { importGatewayAction } from "../actions";

function diffLines(diff: TableDiff): DiffLine[] {
  return [
    ...diff.added.map((r): DiffLine => ["+", `route ${routeKey(r)} (${r.status}, ${r.service} ${r.version})`]),
    ...diff.removed.map((r): DiffLine => ["−", `route ${routeKey(r)} (removed)`]),
    ...diff.changed.map(
      (c): DiffLine => [
        "~",
        `route ${c.key}: ${c.changes.map((x) => `${x.field} ${x.from?.replace("T00:00:00.000Z", "") ?? "—"} → ${x.to?.replace("T00:00:00.000Z", "") ?? "—"}`).join("; ")}`,
      ],
    ),
    ...(diff.reordered ? [["~", "routes reordered"] as DiffLine] : []),
  ];
}

export function GatewayImportForm() {
  return (
    <YamlImportForm
      action={importGatewayAction}
      label="Gateway config YAML"
      accept=".yaml,.yml,.json,text/yaml,application/json"
      placeholder={
        "routes:\n  - path: /v2/Messages\n    status: active\n    backend: ${cell_router}/sms/v2/messages\n    introduced: 2025-01-15"
      }
      failure={(result) =>
        result.fieldErrors?.laggingCells && (
          <p className="mt-2 text-xs">
            Lagging cells: <span className="font-mono">{result.fieldErrors.laggingCells.join(", ")}</span>
          </p>
        )
      }
      success={(data) => (
        <>
          <p className="mb-2 font-medium text-emerald-800" data-testid="import-success">
            {data.applied
              ? `Imported ${data.routes} routes · gateway config version ${data.version}.`
              : `Preview: ${data.routes} routes in the file.`}
          </p>
          <DiffLines
            lines={diffLines(data.diff)}
            empty="No changes: the route table already matches the file (the config version stays)."
            testId="import-diff"
          />
          {data.gated.length > 0 && (
            <ul className="mt-2 text-xs">
              {data.gated.map((g) => (
                <li key={g.key} className={`flex gap-1 ${g.readiness.ready ? "text-emerald-700" : "text-red-700"}`}>
                  {g.readiness.ready ? (
                    <Check aria-hidden className="mt-px h-3 w-3 shrink-0" />
                  ) : (
                    <X aria-hidden className="mt-px h-3 w-3 shrink-0" />
                  )}
                  <span>
                    {g.key} would start serving: {g.readiness.summary}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      after={(data) =>
        data.warnings.length > 0 && (
          <div className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900" data-testid="import-warnings">
            <p className="font-medium">Converted on import</p>
            <LineIssues issues={data.warnings} />
          </div>
        )
      }
    />
  );
}
