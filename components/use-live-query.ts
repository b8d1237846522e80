"use client";
// State that changes, kept live without a reload: a JSON read polled through TanStack Query every
// `everyMs` while the tab is visible (polling pauses when it is hidden and resumes on return), and
// shared by every component that asks for the same key — a page's list and the navigation's badge
// make one request between them.
import { type QueryKey, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";

export interface LiveQueryOptions<T> {
  key: QueryKey;
  url: string;
  everyMs: number;
  /** Data the server rendered the page with, and when it was read (ms since the epoch). */
  initial?: T;
  initialAt?: number;
}

export function useLiveQuery<T>({ key, url, everyMs, initial, initialAt }: LiveQueryOptions<T>) {
  return useQuery({
    queryKey: key,
    queryFn: async ({ signal }): Promise<T> => {
      const res = await fetch(url, { signal, cache: "no-store" });
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
      return res.json();
    },
    initialData: initial,
    initialDataUpdatedAt: initial === undefined ? undefined : initialAt,
    refetchInterval: everyMs,
    refetchIntervalInBackground: false,
  });
}

/**
 * The current time, re-read every `everyMs`; null during the server render and the first client
 * render, so that relative times ("3 s ago") never differ between the two (no hydration mismatch).
 */
export function useNow(everyMs = 1_000): number | null {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}
