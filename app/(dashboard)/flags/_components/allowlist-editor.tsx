"use client";
import { ClientForm } from "@/components/forms/client-form";
import { CustomerIdInput } from "@/components/forms/customer-options";
import { SaveBar } from "@/components/forms/save-bar";
import { X } from "lucide-react";
import { useState } from "react";
import { setAllowlist } from "../actions";
import { ActionError, ReadOnlyNote } from "./action-error";
import { useFlagAction } from "./use-flags";

/** Beta customers first: always on while the flag is enabled, whatever the percentage or targeting. */
export function AllowlistEditor({
  flagKey,
  version,
  allowlist,
  customers,
  canEdit,
}: {
  flagKey: string;
  version: number;
  allowlist: string[];
  customers: { id: string; name: string }[];
  canEdit: boolean;
}) {
  const [list, setList] = useState(allowlist);
  const [input, setInput] = useState("");
  const { run, pending, failure } = useFlagAction(setAllowlist);
  const names = new Map(customers.map((c) => [c.id, c.name]));
  const dirty = JSON.stringify(list) !== JSON.stringify(allowlist);
  const badIds = new Set(
    Object.keys((failure && !failure.ok && failure.fieldErrors) || {})
      .map((k) => /^allowlist\[(\d+)\]$/.exec(k)?.[1])
      .filter(Boolean)
      .map((i) => list[Number(i)]),
  );

  const add = () => {
    const ids = input
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    setList((l) => [...l, ...ids.filter((id, i) => !l.includes(id) && ids.indexOf(id) === i)]);
    setInput("");
  };

  return (
    <div>
      <ul className="flex min-h-9 flex-wrap gap-1.5" data-testid="allowlist">
        {list.map((id) => (
          <li
            key={id}
            data-testid="allowlist-entry"
            className={`inline-flex max-w-full flex-wrap items-center gap-1 rounded-full py-0.5 pl-2.5 pr-1 text-xs ring-1 ring-inset ${badIds.has(id) ? "bg-red-50 text-red-800 ring-red-300" : "bg-violet-50 text-violet-800 ring-violet-200"}`}
          >
            <span className="font-mono">{id}</span>
            {names.get(id) && <span className="min-w-0 break-words text-violet-700">· {names.get(id)}</span>}
            {canEdit && (
              <button
                type="button"
                aria-label={`Remove ${id}`}
                disabled={pending}
                onClick={() => setList((l) => l.filter((x) => x !== id))}
                className="rounded-full px-1 text-violet-400 hover:bg-violet-100 hover:text-red-600"
              >
                <X aria-hidden className="h-3 w-3" />
              </button>
            )}
          </li>
        ))}
        {list.length === 0 && <li className="text-sm text-slate-500">Nobody is allowlisted.</li>}
      </ul>
      {canEdit ? (
        <>
          <ClientForm className="mt-3 flex gap-2" onSubmit={add}>
            <CustomerIdInput
              listId="flag-customers"
              customers={customers}
              value={input}
              onChange={setInput}
              label="Customer id to allowlist"
              placeholder="customer id, e.g. enterprise-customer-123"
              dense
            />
            <button
              type="submit"
              disabled={!input.trim()}
              className="rounded-md border border-slate-300 bg-white px-2.5 py-1 text-sm hover:bg-slate-50 disabled:opacity-50"
            >
              Add
            </button>
          </ClientForm>
          <SaveBar
            className="mt-3"
            label="Save allowlist"
            testId="allowlist-save"
            dirty={dirty}
            pending={pending}
            onSave={() => run({ key: flagKey, version, allowlist: list })}
            onDiscard={() => setList(allowlist)}
          />
        </>
      ) : (
        <div className="mt-3">
          <ReadOnlyNote />
        </div>
      )}
      <ActionError failure={failure} testId="allowlist-error" />
    </div>
  );
}
