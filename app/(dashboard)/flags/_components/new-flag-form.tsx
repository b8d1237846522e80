"use client";
import { useAction } from "@/components/forms/use-action";
import { Button } from "@/components/forms/button";
import { ClientForm } from "@/components/forms/client-form";
import { useRouter } from "next/navigation";
import { createFlagAction } from "../actions";
import { ActionError } from "./action-error";

export function NewFlagForm() {
  const router = useRouter();
  const { result, pending, run } = useAction(createFlagAction, (r) => router.push(`/flags/${r.key}`));
  return (
    <ClientForm
      className="max-w-xl space-y-4 rounded-xl border border-slate-200 bg-white p-5 shadow-sm"
      onSubmit={(fd) =>
        run({
          key: String(fd.get("key") ?? ""),
          description: String(fd.get("description") ?? ""),
          owner: String(fd.get("owner") ?? ""),
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
