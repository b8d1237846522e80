"use client";
import { ClientForm } from "@/components/forms/client-form";
import { type ChangeEvent, useState } from "react";
import { useResolve, type ResolveParams } from "@/components/gateway/use-resolve";

const METHODS = ["POST", "GET", "PUT", "PATCH", "DELETE"];

const STATUS_STYLE: Record<number, string> = {
  200: "bg-emerald-700 text-white",
  404: "bg-slate-700 text-white",
  405: "bg-slate-600 text-white",
  410: "bg-rose-600 text-white",
  503: "bg-orange-700 text-white",
};
const STATUS_TEXT: Record<number, string> = {
  200: "forwarded",
  404: "Not Found",
  405: "Method Not Allowed",
  410: "Gone",
  503: "cell not ready",
};

export function TryRequest({ examples }: { examples: { method: string; path: string }[] }) {
  const [form, setForm] = useState<ResolveParams>({ method: "POST", path: examples[0]?.path ?? "/v1/Messages", customer: "" });
  const [submitted, setSubmitted] = useState<ResolveParams | null>(null);
  const q = useResolve(submitted);
  const submit = (p: ResolveParams) => {
    setForm(p);
    setSubmitted({ method: p.method, path: p.path.trim(), customer: p.customer?.trim() || undefined });
  };
  /** A form control bound to one field of the request. */
  const bind = (k: keyof ResolveParams) => ({
    value: form[k] ?? "",
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setForm({ ...form, [k]: e.target.value }),
  });
  return (
    <div data-testid="try-request">
      <ClientForm className="flex flex-wrap items-end gap-2" onSubmit={() => submit(form)}>
        <label className="text-sm">
          <span className="block text-xs text-slate-500">Method</span>
          <select aria-label="Method" {...bind("method")} className="rounded-md border border-slate-300 px-2 py-1 font-mono text-sm">
            {METHODS.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
        <label className="min-w-40 flex-1 text-sm">
          <span className="block text-xs text-slate-500">Path</span>
          <input aria-label="Path" {...bind("path")} className="w-full rounded-md border border-slate-300 px-2 py-1 font-mono text-sm" />
        </label>
        <label className="w-44 text-sm">
          <span className="block text-xs text-slate-500">Customer (optional)</span>
          <input
            aria-label="Customer"
            {...bind("customer")}
            placeholder="enterprise-customer-123"
            className="w-full rounded-md border border-slate-300 px-2 py-1 font-mono text-xs"
          />
        </label>
        <button type="submit" className="rounded-md bg-slate-800 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700">
          Resolve
        </button>
      </ClientForm>
      <div className="mt-2 flex flex-wrap gap-1">
        {examples.map((x) => (
          <button
            key={`${x.method} ${x.path}`}
            type="button"
            onClick={() => submit({ ...form, method: x.method, path: x.path })}
            className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[11px] text-slate-700 hover:bg-slate-200"
          >
            {x.method} {x.path}
          </button>
        ))}
      </div>
      <div className="mt-4 min-h-24" aria-live="polite" data-testid="resolve-result">
        {q.isFetching && <p className="text-sm text-slate-500">Resolving…</p>}
        {q.error && <p className="text-sm text-rose-700">{(q.error as Error).message}</p>}
        {q.data && !q.isFetching && (
          <div className="space-y-2 text-sm">
            <div className="flex items-center gap-2">
              <span
                data-testid="resolve-status"
                className={`rounded px-2 py-0.5 font-mono text-xs font-semibold ${STATUS_STYLE[q.data.httpStatus] ?? "bg-slate-200"}`}
              >
                {q.data.httpStatus} {STATUS_TEXT[q.data.httpStatus] ?? ""}
              </span>
              <span className="font-mono text-xs text-slate-600">
                {q.data.answer.request.method} {q.data.answer.request.path}
              </span>
            </div>
            <p className="text-slate-700">{q.data.answer.message}</p>
            {q.data.answer.backend && (
              <p className="text-xs">
                <span className="text-slate-500">Backend </span>
                <code className="break-all rounded bg-slate-100 px-1" data-testid="resolve-backend">
                  {q.data.answer.backend}
                </code>
                {q.data.answer.servedAs && <span className="text-slate-500"> (served as {q.data.answer.servedAs})</span>}
              </p>
            )}
            {q.data.answer.cell && (
              <p className="text-xs text-slate-600">
                Customer <span className="font-mono">{q.data.answer.cell.customer}</span> lives on{" "}
                <span className="font-mono">{q.data.answer.cell.id}</span>, which{" "}
                {q.data.answer.cell.capability === "ready"
                  ? "serves these handlers"
                  : q.data.answer.cell.capability === "stale"
                    ? "reported these handlers over 15 min ago"
                    : q.data.answer.cell.capability === "outdated"
                      ? `runs ${q.data.answer.cell.running ?? "another version"}, which does not serve these handlers`
                      : "does not report these handlers"}
                .
              </p>
            )}
            {Object.keys(q.data.answer.headers).length > 0 && (
              <div>
                <p className="text-xs text-slate-500">Headers the edge adds</p>
                <pre
                  className="mt-1 overflow-x-auto rounded-md bg-slate-900 p-2 text-[11px] leading-relaxed text-slate-100"
                  data-testid="resolve-headers"
                >
                  {Object.entries(q.data.answer.headers)
                    .map(([k, v]) => `${k}: ${v}`)
                    .join("\n")}
                </pre>
              </div>
            )}
          </div>
        )}
        {!submitted && <p className="text-sm text-slate-500">Ask how the edge would answer a request, with the live route table.</p>}
      </div>
    </div>
  );
}
