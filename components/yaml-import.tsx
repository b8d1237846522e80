"use client";
// One import form for every YAML the console takes (fleet, pipelines, gateway config): upload or
// paste, preview or import through a one-door server action, line-numbered errors, and a result
// each page renders its own way.
import { FieldErrorList, LineIssues } from "@/components/forms/issue-lists";
import { useRef, useState, useTransition, type ReactNode } from "react";
import type { ActionResult } from "@/lib/auth/server/action";
import { confirms } from "@/lib/fleet/consequences";

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
  /** Import only what was previewed: the Import button waits for a preview of the text as it is now. */
  previewFirst?: boolean;
  /** A preview that removes something: the result is framed as a removal (red, not green). */
  removes?: (data: T) => boolean;
  /**
   * A previewed change that must be confirmed by typing a phrase (sent as `confirm`): the phrase, and
   * the box that says what it touches (it receives the typed value and its setter).
   */
  confirmation?: (data: T, typed: string, setTyped: (v: string) => void) => { phrase: string; node: ReactNode } | null;
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
  previewFirst = false,
  removes,
  confirmation,
  onResult,
}: Props<T>) {
  const [yaml, setYaml] = useState("");
  const [result, setResult] = useState<ActionResult<T> | null>(null);
  const [pending, start] = useTransition();
  // The text of the last successful preview, and its result: Import applies exactly that.
  const [previewed, setPreviewed] = useState<{ text: string; data: T } | null>(null);
  const [typed, setTyped] = useState("");
  const form = useRef<HTMLFormElement>(null);

  const preview = previewed && previewed.text === yaml ? previewed.data : null;
  const confirm = preview && confirmation ? confirmation(preview, typed, setTyped) : null;
  const applyBlocked = previewFirst && (!preview || (confirm !== null && !confirms(typed, confirm.phrase)));

  const submit = (mode: "preview" | "apply") =>
    start(async () => {
      const fd = new FormData(form.current!);
      fd.set("yaml", yaml);
      fd.set("mode", mode);
      if (mode === "apply" && confirm) fd.set("confirm", typed);
      const r = await action(fd);
      setResult(r);
      onResult?.(r);
      if (mode === "preview") {
        setPreviewed(r.ok ? { text: yaml, data: r.data } : null);
        setTyped("");
      } else if (r.ok) setPreviewed(null);
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
            disabled={pending || !yaml || applyBlocked}
            onClick={() => submit("apply")}
            className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50"
            title={applyTitle ?? (applyBlocked ? (preview ? "Type the confirmation first" : "Preview the changes first") : undefined)}
          >
            {pending ? "Working…" : "Import"}
          </button>
        </div>
        {previewFirst && !preview && yaml && (
          <p className="text-xs text-slate-500" data-testid="preview-first">
            Preview the changes first: Import applies what the preview showed.
          </p>
        )}
      </form>
      <div data-testid="import-result" aria-live="polite" className="space-y-3">
        {result && !result.ok && (
          <div className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-800">
            <p className="font-medium" data-testid="import-error">
              {result.message}
            </p>
            {result.specErrors && <LineIssues issues={result.specErrors} testId="import-errors" />}
            {failure ? failure(result) : result.fieldErrors && <FieldErrorList errors={result.fieldErrors} className="mt-2 text-xs" />}
          </div>
        )}
        {result?.ok && (
          <div
            className={`rounded-lg border p-4 text-sm ${removes?.(result.data) ? "border-red-200 bg-red-50" : "border-emerald-200 bg-emerald-50"}`}
            data-removes={removes?.(result.data) ?? false}
          >
            {success(result.data)}
          </div>
        )}
        {result?.ok && after?.(result.data)}
        {result?.ok && preview && confirm?.node}
      </div>
    </div>
  );
}
