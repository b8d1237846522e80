"use client";
import { useQuery } from "@tanstack/react-query";
import type { FleetHealth } from "@/lib/health/server/store";

export const healthKeys = {
  all: ["health"] as const,
  fleet: () => [...healthKeys.all, "fleet"] as const,
};

/** The fleet's health, refreshed every 3 s without a page reload. */
export function useFleetHealth(initial?: FleetHealth) {
  return useQuery({
    queryKey: healthKeys.fleet(),
    queryFn: async ({ signal }): Promise<FleetHealth> => {
      const res = await fetch("/api/v1/fleet/health", { signal, cache: "no-store" });
      if (!res.ok) throw new Error(`fleet health: HTTP ${res.status}`);
      return res.json();
    },
    initialData: initial,
    initialDataUpdatedAt: initial ? new Date(initial.generatedAt).getTime() : undefined,
    refetchInterval: 3_000,
    refetchIntervalInBackground: false,
  });
}
