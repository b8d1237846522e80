"use client";
// One import form for every YAML the console takes (fleet, pipelines, gateway config): upload or
// paste, preview or import through a one-door server action, line-numbered errors, and a result
// each page renders its own way.
import { useRef, useState, useTransition, type ReactNode } from "react";
import type { ActionResult } from "@/lib/auth/server/action";

export type DiffLine = ["+" | "−" | "~", string];

export function DiffLines({ lines, empty, testId }: { lines: DiffLine[]; empty: string; testId?: string }) {
  if (!lines.length) return <p className="text-sm text-slate-600">{empty}</p>;
  return (
    <ul className="font-mono text-xs" data-testid={testId}>
      {lines.map(([sign, text], i) => (
        <li key={i} className={sign === "+" ? "text-emerald-700" : sign === "−" ? "text-red-700" : "text-amber-700"}>
          {sign} {text}
        </li>
      ))}
    </ul>
  );
}

interface Props<T> {
  action: (fd: FormData) => Promise<ActionResult<T>>;
  /** Accessible name of the text area (tests and screen readers find it by this). */
  label: string;
  placeholder: string;
  accept?: string;
  previewLabel?: string;
  applyTitle?: string;
  /** More named inputs sent with the file (e.g. an id override). */
  fields?: ReactNode;
  success: (data: T) => ReactNode;
  /** Extra lines under an error (e.g. which cells lag). */
  failure?: (result: Extract<ActionResult<T>, { ok: false }>) => ReactNode;
  /** Anything shown after a successful result (e.g. warnings). */
  after?: (data: T) => ReactNode;
  /** Told every result (e.g. to send what a preview showed with the import that follows). */
  onResult?: (result: ActionResult<T>) => void;
}

export function YamlImportForm<T>({
  action,
  label,
  placeholder,
  accept = ".yaml,.yml,text/yaml",
  previewLabel = "Preview changes",
  applyTitle,
  fields,
  success,
  failure,
  after,
  onResult,
}: Props<T>) {
  const [yaml, setYaml] = useState("");
  const [result, setResult] = useState<ActionResult<T> | null>(null);
  const [pending, start] = useTransition();
  const form = useRef<HTMLFormElement>(null);

  const submit = (mode: "preview" | "apply") =>
    start(async () => {
      const fd = new FormData(form.current!);
      fd.set("yaml", yaml);
      fd.set("mode", mode);
      const r = await action(fd);
      setResult(r);
      onResult?.(r);
    });

  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <form ref={form} className="space-y-3" onSubmit={(e) => e.preventDefault()}>
        <label className="block text-sm">
          <span className="font-medium text-slate-700">Upload a file</span>
          <input
            type="file"
            accept={accept}
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
            aria-label={label}
            value={yaml}
            onChange={(e) => setYaml(e.target.value)}
            spellCheck={false}
            rows={22}
            className="mt-1 w-full rounded-lg border border-slate-300 p-3 font-mono text-xs"
            placeholder={placeholder}
          />
        </label>
        {fields}
        <div className="flex gap-2">
          <button
            type="button"
            disabled={pending || !yaml}
            onClick={() => submit("preview")}
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm disabled:opacity-50"
          >
            {previewLabel}
          </button>
          <button
            type="button"
            disabled={pending || !yaml}
            onClick={() => submit("apply")}
            className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50"
            title={applyTitle}
          >
            {pending ? "Working…" : "Import"}
          </button>
        </div>
      </form>
      <div data-testid="import-result" aria-live="polite" className="space-y-3">
        {result && !result.ok && (
          <div className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-800">
            <p className="font-medium" data-testid="import-error">
              {result.message}
            </p>
            {result.specErrors && (
              <ul className="mt-2 space-y-1 font-mono text-xs" data-testid="import-errors">
                {result.specErrors.map((e, i) => (
                  <li key={i}>
                    {e.line ? `line ${e.line}: ` : ""}
                    {e.field}: {e.message}
                  </li>
                ))}
              </ul>
            )}
            {failure
              ? failure(result)
              : result.fieldErrors && (
                  <ul className="mt-2 text-xs">
                    {Object.entries(result.fieldErrors).map(([k, v]) => (
                      <li key={k}>
                        {k}: {v.join(", ")}
                      </li>
                    ))}
                  </ul>
                )}
          </div>
        )}
        {result?.ok && <div className="rounded-lg border border-emerald-200 bg-emerald-50 p-4 text-sm">{success(result.data)}</div>}
        {result?.ok && after?.(result.data)}
      </div>
    </div>
  );
}
