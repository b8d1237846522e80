"use client";
import { TriangleAlert } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { ActionResult } from "@/lib/auth/server/action";
import { importMigrationAction, previewMigrationAction } from "../actions";

type PreviewData = { id: string; phases: { name: string; type: string }[]; cells: number; warnings: string[] };

export function ImportMigrationForm() {
  const [text, setText] = useState("");
  const [result, setResult] = useState<ActionResult<unknown> | null>(null);
  const [preview, setPreview] = useState<PreviewData | null>(null);
  const [pending, start] = useTransition();
  const router = useRouter();
  const onFile = async (f: File | undefined) => {
    if (f) setText(await f.text());
  };
  return (
    <div data-testid="import-migration">
      <input
        type="file"
        accept=".yaml,.yml"
        aria-label="Manifest file"
        onChange={(e) => onFile(e.target.files?.[0])}
        className="mb-2 text-sm"
      />
      <textarea
        aria-label="Manifest"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setPreview(null);
        }}
        rows={18}
        className="w-full rounded-md border border-slate-300 p-2 font-mono text-xs"
        placeholder="migration:&#10;  id: …"
      />
      <div className="mt-2 flex gap-2">
        <button
          type="button"
          disabled={pending}
          onClick={() =>
            start(async () => {
              const r = await previewMigrationAction({ source: text });
              setResult(r);
              setPreview(r.ok ? (r.data as PreviewData) : null);
            })
          }
          className="rounded-md border border-slate-300 px-3 py-1.5 text-sm"
        >
          Preview
        </button>
        <button
          type="button"
          disabled={pending || !preview}
          onClick={() =>
            start(async () => {
              const r = await importMigrationAction({ source: text });
              setResult(r);
              if (r.ok) router.push(`/migrations/${encodeURIComponent((r.data as { id: string }).id)}`);
            })
          }
          className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50"
        >
          Import
        </button>
      </div>
      {preview && (
        <div className="mt-3 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm" data-testid="migration-preview">
          <p>
            <b className="font-mono">{preview.id}</b>: {preview.phases.map((p) => `${p.name} (${p.type})`).join(" → ")} on {preview.cells}{" "}
            cells.
          </p>
          {preview.warnings.map((w) => (
            <p key={w} className="mt-1 flex gap-1 text-amber-800" data-testid="preview-warning">
              <TriangleAlert aria-hidden className="mt-0.5 h-3.5 w-3.5 shrink-0" /> <span>{w}</span>
            </p>
          ))}
        </div>
      )}
      {result && !result.ok && (
        <div className="mt-3 text-sm text-red-700" role="status" data-testid="import-error">
          <p>{result.message}</p>
          <ul className="mt-1 list-disc pl-5 font-mono text-xs">
            {(result.specErrors ?? []).map((e, i) => (
              <li key={i}>
                line {e.line ?? "?"}: {e.field}: {e.message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
