"use client";
// Keeps a server-rendered page live: polls its view's stamp (GET /api/v1/live/{view}) through the
// one polling hook (use-live-query.ts: shared per key, paused while the tab is hidden) and, when the
// stamp differs from the one the page was rendered with, re-renders the page's server components
// in place (client state such as a half-typed comment is kept). Shows "updated N s ago".
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { LIVE_EVERY_MS, type LiveStamp, type LiveView as View } from "@/lib/live/views";
import { UpdatedAgo } from "./updated-ago";
import { useLiveQuery } from "./use-live-query";

export const liveKeys = {
  all: ["live"] as const,
  view: (view: View, id: string | null) => [...liveKeys.all, view, id ?? ""] as const,
};

export function useLiveView(initial: LiveStamp) {
  const router = useRouter();
  const q = useLiveQuery<LiveStamp>({
    key: liveKeys.view(initial.view, initial.id),
    url: `/api/v1/live/${initial.view}${initial.id ? `?id=${encodeURIComponent(initial.id)}` : ""}`,
    everyMs: LIVE_EVERY_MS[initial.view],
    initial,
    initialAt: new Date(initial.at).getTime(),
  });
  // The stamp the page on screen shows: a re-render brings the new one as `initial`.
  const shown = useRef(initial.stamp);
  shown.current = initial.stamp;
  const asked = useRef<string | null>(null);
  const latest = q.data?.stamp;
  useEffect(() => {
    if (!latest || latest === shown.current || latest === asked.current) return;
    asked.current = latest;
    router.refresh();
  }, [latest, router]);
  return q;
}

/** The live marker of a page: polls its stamp and says when it was last checked. */
export function LiveView({ initial, testId = "live-updated" }: { initial: LiveStamp; testId?: string }) {
  const q = useLiveView(initial);
  return (
    <span className="inline-flex items-center gap-1.5" data-testid="live-view" data-view={initial.view} data-stamp={initial.stamp}>
      <span aria-hidden className={`h-2 w-2 rounded-full ${q.isError ? "bg-red-500" : "bg-emerald-500"}`} />
      <UpdatedAgo at={q.dataUpdatedAt} failed={q.isError} testId={testId} />
    </span>
  );
}
