"use client";
// Calling one-door server actions from buttons: pending state, the typed result, a page refresh
// on success, and the refusal shown where the user clicked.
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { ActionResult } from "@/lib/auth/server/action";

export type ServerAction = (raw: unknown) => Promise<ActionResult<unknown>>;

export function useServerAction() {
  const [result, setResult] = useState<ActionResult<unknown> | null>(null);
  const [pending, start] = useTransition();
  const router = useRouter();
  const run = (act: ServerAction, data: Record<string, unknown>) =>
    start(async () => {
      const r = await act(data);
      setResult(r);
      if (r.ok) router.refresh();
    });
  return { result, pending, run };
}

export function ActionOutcome({ result }: { result: ActionResult<unknown> | null }) {
  if (!result || result.ok) return null;
  return (
    <p role="status" data-testid="action-error" className="mt-2 text-sm text-red-700">
      {result.message}{" "}
      {Object.entries(result.fieldErrors ?? {})
        .map(([k, v]) => `${k}: ${v.join(", ")}`)
        .join("; ")}
    </p>
  );
}
