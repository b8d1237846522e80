"use client";
import { ClientForm } from "@/components/forms/client-form";
import { CustomerIdInput } from "@/components/forms/customer-options";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { TierBadge } from "@/components/badges";
import { ReasonBadge } from "./flag-badges";
import { useFlagPreview } from "./use-flags";

/** "Who is in?": type a customer id, see the value and why. The customer lives in the URL (?customer=). */
export function PreviewPanel({ flagKey, customers }: { flagKey: string; customers: { id: string; name: string }[] }) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const customer = params.get("customer") ?? "";
  const [input, setInput] = useState(customer);
  const { data, error, isFetching } = useFlagPreview(flagKey, customer);

  const check = (id: string) => {
    const next = new URLSearchParams(params);
    if (id.trim()) next.set("customer", id.trim());
    else next.delete("customer");
    router.replace(`${pathname}${next.size ? `?${next}` : ""}`, { scroll: false });
  };

  return (
    <div>
      <ClientForm className="flex gap-2" onSubmit={() => check(input)}>
        <CustomerIdInput listId="preview-customers" customers={customers} value={input} onChange={setInput} label="Customer id to check" />
        <button type="submit" className="rounded-md bg-slate-800 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700">
          Check
        </button>
      </ClientForm>

      <div
        className="mt-4"
        aria-live="polite"
        data-testid="preview-result"
        data-customer={data?.customerId ?? ""}
        data-value={data ? String(data.value) : ""}
        aria-busy={isFetching}
      >
        {!customer && <p className="text-sm text-slate-500">Type a customer id to see whether they get the flag, and why.</p>}
        {error && <p className="text-sm text-red-700">{error.message}</p>}
        {data && data.customerId === customer && (
          <div className={`rounded-lg border p-3 ${data.value ? "border-emerald-200 bg-emerald-50/60" : "border-slate-200 bg-slate-50"}`}>
            <div className="flex items-center justify-between gap-2">
              <span className="font-mono text-sm font-medium">{data.customerId}</span>
              <span
                data-testid="preview-value"
                className={`rounded-full px-2.5 py-0.5 text-xs font-bold uppercase tracking-wide ${data.value ? "bg-emerald-700 text-white" : "bg-slate-300 text-slate-700"}`}
              >
                {data.value ? "on" : "off"}
              </span>
            </div>
            <div className="mt-2 flex flex-wrap items-center gap-1.5">
              <ReasonBadge reason={data.reason} />
              {data.errorCode && <span className="font-mono text-[11px] text-red-700">{data.errorCode}</span>}
            </div>
            <p className="mt-2 text-sm text-slate-700" data-testid="preview-explanation">
              {data.explanation}
            </p>
            <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs">
              {data.customer ? (
                <>
                  <dt className="text-slate-500">Customer</dt>
                  <dd>
                    {data.customer.name} <span className="text-slate-500">({data.customer.plan})</span>
                  </dd>
                  <dt className="text-slate-500">Home cell</dt>
                  <dd className="flex items-center gap-1.5">
                    <span className="font-mono">{data.customer.cell}</span>
                    <TierBadge tier={data.customer.tier} />
                    <span className="text-slate-500">{data.customer.region}</span>
                  </dd>
                </>
              ) : (
                <>
                  <dt className="text-slate-500">Customer</dt>
                  <dd className="text-amber-700">not in the customers table</dd>
                </>
              )}
              <dt className="text-slate-500">Bucket</dt>
              <dd>
                <span className="tabular-nums font-medium">{data.bucket}</span>{" "}
                <span className="text-slate-500">vs rollout {data.percentage}%</span>
                <span className="relative mt-1 block h-1.5 w-full rounded-full bg-slate-200">
                  <span className="absolute inset-y-0 left-0 rounded-full bg-indigo-300" style={{ width: `${data.percentage}%` }} />
                  <span className="absolute -top-0.5 h-2.5 w-0.5 bg-slate-900" style={{ left: `calc(${data.bucket}% - 1px)` }} />
                </span>
              </dd>
            </dl>
          </div>
        )}
      </div>
    </div>
  );
}
