"use client";
// Flag data on the client: typed query keys, the "who is in?" query, and one hook to run a flag
// action (server action through the one door) and refresh what depends on it.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, useTransition } from "react";
import type { ActionResult } from "@/lib/auth/server/action";
import type { FlagPreview } from "@/lib/flags/preview";
import type { DiffLine } from "@/lib/flags/change-requests";

export const flagKeys = {
  all: ["flags"] as const,
  preview: (key: string, customer: string) => ["flags", key, "preview", customer] as const,
};

export class PreviewError extends Error {}

export function useFlagPreview(key: string, customer: string) {
  return useQuery({
    queryKey: flagKeys.preview(key, customer),
    enabled: customer.trim() !== "",
    queryFn: async ({ signal }): Promise<FlagPreview> => {
      const res = await fetch(`/api/v1/flags/${encodeURIComponent(key)}/preview?customer=${encodeURIComponent(customer)}`, {
        signal,
        headers: { Accept: "application/json" },
      });
      const body = await res.json().catch(() => null);
      if (!res.ok) throw new PreviewError(body?.error?.message ?? `preview failed (${res.status})`);
      return body as FlagPreview;
    },
  });
}

/** A flag edit's answer; on a protected flag, the change request it became (with its diff). */
export type FlagActionResult = ActionResult<{ key: string; version: number; request?: { id: string; diff: DiffLine[] } }>;

export function useFlagAction<I>(action: (input: I) => Promise<FlagActionResult>) {
  const qc = useQueryClient();
  const [pending, start] = useTransition();
  const [result, setResult] = useState<FlagActionResult | null>(null);
  const run = (input: I, onOk?: () => void) =>
    start(async () => {
      const r = await action(input);
      setResult(r);
      if (r.ok) {
        onOk?.();
        await qc.invalidateQueries({ queryKey: flagKeys.all });
      }
    });
  // What to show where the user clicked: a refusal, or the change request a protected flag's edit became.
  const shown = result && (!result.ok || result.data.request) ? result : null;
  return { run, pending, result, failure: shown };
}
