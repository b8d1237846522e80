"use client";
import { Button } from "@/components/forms/button";
import { ClientForm } from "@/components/forms/client-form";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { createFlagAction } from "../actions";
import { ActionError } from "./action-error";
import type { FlagActionResult } from "./use-flags";

export function NewFlagForm() {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [result, setResult] = useState<FlagActionResult | null>(null);
  return (
    <ClientForm
      className="max-w-xl space-y-4 rounded-xl border border-slate-200 bg-white p-5 shadow-sm"
      onSubmit={(fd) =>
        start(async () => {
          const r = await createFlagAction({
            key: String(fd.get("key") ?? ""),
            description: String(fd.get("description") ?? ""),
            owner: String(fd.get("owner") ?? ""),
          });
          setResult(r);
          if (r.ok) router.push(`/flags/${r.data.key}`);
        })
      }
    >
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Key</span>
        <input
          name="key"
          required
          placeholder="newVoiceCodec"
          className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 font-mono"
        />
        <span className="mt-1 block text-xs text-slate-500">
          What services ask for. Letters, digits, <code>_ . -</code>, starting with a letter. It cannot change later.
        </span>
      </label>
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Description</span>
        <textarea name="description" rows={3} className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5" />
      </label>
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Owner</span>
        <input name="owner" placeholder="voice-team" className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5" />
      </label>
      <Button variant="primary" type="submit" disabled={pending}>
        {pending ? "Creating…" : "Create flag"}
      </Button>
      <ActionError failure={result && !result.ok ? result : null} />
    </ClientForm>
  );
}
