"use client";
// The global view's live fleet: the compact feed (lib/health/feed.ts) polled every 3 s with the
// ETag the tab holds — 304 when nothing changed (the same data object, so nothing re-renders),
// only the changed cells otherwise — starting from the feed the page was rendered with.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { applyDelta, decodeFeed, type FleetFeed, type FleetFeedDelta } from "@/lib/health/feed";
import type { FleetHealth } from "@/lib/health/fleet-health";

export const healthKeys = {
  all: ["health"] as const,
  feed: () => [...healthKeys.all, "feed"] as const,
};

export interface LiveFleet {
  etag: string;
  health: FleetHealth;
}

export const FEED_REFRESH_MS = 3_000;

async function fetchFeed(prev: LiveFleet | undefined, signal: AbortSignal): Promise<LiveFleet> {
  const url = prev ? `/api/v1/fleet/feed?since=${encodeURIComponent(prev.etag)}` : "/api/v1/fleet/feed";
  const res = await fetch(url, { signal, cache: "no-store", headers: prev ? { "If-None-Match": prev.etag } : {} });
  if (res.status === 304 && prev) return prev;
  if (!res.ok) throw new Error(`fleet feed: HTTP ${res.status}`);
  const body = (await res.json()) as FleetFeed | FleetFeedDelta;
  if ("changed" in body) {
    if (!prev || body.from !== prev.etag || body.size !== prev.health.cells.length) return fetchFeed(undefined, signal);
    return { etag: body.etag, health: applyDelta(prev.health, body) };
  }
  return { etag: body.etag, health: decodeFeed(body) };
}

/** The live fleet, from the feed the page was rendered with (as JSON); components re-render only when its data (or error) changes. */
export function useFleetFeed(initialJson?: string) {
  const client = useQueryClient();
  const initial = useMemo(() => (initialJson ? (JSON.parse(initialJson) as FleetFeed) : undefined), [initialJson]);
  const initialData = useMemo<LiveFleet | undefined>(
    () => (initial ? { etag: initial.etag, health: decodeFeed(initial) } : undefined),
    [initial],
  );
  return useQuery({
    queryKey: healthKeys.feed(),
    queryFn: ({ signal }) => fetchFeed(client.getQueryData<LiveFleet>(healthKeys.feed()), signal),
    initialData,
    // A lite first feed (statuses and versions) is stale at once: the first poll, on mount, brings the rest.
    initialDataUpdatedAt: initial ? (initial.lite ? 0 : Date.parse(initial.generatedAt)) : undefined,
    refetchInterval: FEED_REFRESH_MS,
    refetchIntervalInBackground: false,
    // Cells keep their objects across deltas by design; deep comparison would only cost time.
    structuralSharing: false,
    notifyOnChangeProps: ["data", "error"],
  });
}

/** When the feed was last confirmed, for a small "live" line: only its subscriber re-renders each poll. */
export function useFeedStatus() {
  const client = useQueryClient();
  return useQuery({
    queryKey: healthKeys.feed(),
    queryFn: ({ signal }) => fetchFeed(client.getQueryData<LiveFleet>(healthKeys.feed()), signal),
    staleTime: Number.POSITIVE_INFINITY,
    structuralSharing: false,
    notifyOnChangeProps: ["dataUpdatedAt", "error", "isFetching"],
  });
}
