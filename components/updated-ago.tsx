"use client";
import { useNow } from "./use-live-query";

/** "updated 3 s ago" for a live query's `dataUpdatedAt`, ticking every second; says so when a refresh failed. */
export function UpdatedAgo({ at, failed = false, testId }: { at: number; failed?: boolean; testId?: string }) {
  const now = useNow();
  const s = now === null || !at ? 0 : Math.max(0, Math.round((now - at) / 1000));
  return (
    <span className={`text-xs tabular-nums ${failed ? "text-red-700" : "text-slate-500"}`} data-testid={testId} aria-live="off">
      {failed ? `not refreshed for ${s} s (retrying)` : `updated ${s} s ago`}
    </span>
  );
}
