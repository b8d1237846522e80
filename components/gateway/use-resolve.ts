"use client";
// The "try a request" data: GET /api/v1/gateway/resolve through TanStack Query. A 404 or 410 is an
// answer (what the edge would say), not an error; only a failing call (400, 401, 500) is.
import { useQuery } from "@tanstack/react-query";

export interface ResolveParams {
  method: string;
  path: string;
  customer?: string;
}

export interface ResolveAnswer {
  request: { method: string; path: string };
  outcome: "routed" | "not_found" | "gone" | "method_not_allowed";
  status: number;
  route: { method: string; path: string; status: string; service: string; version: string; aliasOf: string | null } | null;
  servedAs: string | null;
  backend: string | null;
  headers: Record<string, string>;
  allow?: string[];
  message: string;
  configVersion: number;
  cell: { customer: string; id: string; capability: "ready" | "missing" | "outdated" | "stale"; running: string | null } | null;
}

export const gatewayKeys = {
  all: ["gateway"] as const,
  resolve: (p: ResolveParams) => [...gatewayKeys.all, "resolve", p.method, p.path, p.customer ?? ""] as const,
};

async function fetchResolve(
  p: ResolveParams,
): Promise<{ httpStatus: number; answer: ResolveAnswer; responseHeaders: Record<string, string> }> {
  const q = new URLSearchParams({ method: p.method, path: p.path, ...(p.customer ? { customer: p.customer } : {}) });
  const res = await fetch(`/api/v1/gateway/resolve?${q}`, { headers: { Accept: "application/json" }, cache: "no-store" });
  const body = await res.json();
  if (![200, 404, 405, 410].includes(res.status) || !("outcome" in body)) {
    throw new Error(body?.error?.message ?? `resolve failed (${res.status})`);
  }
  const responseHeaders: Record<string, string> = {};
  for (const h of ["deprecation", "sunset", "link", "allow"]) {
    const v = res.headers.get(h);
    if (v) responseHeaders[h] = v;
  }
  return { httpStatus: res.status, answer: body as ResolveAnswer, responseHeaders };
}

export function useResolve(params: ResolveParams | null) {
  return useQuery({
    queryKey: params ? gatewayKeys.resolve(params) : [...gatewayKeys.all, "resolve", "idle"],
    queryFn: () => fetchResolve(params!),
    enabled: params !== null,
    staleTime: 0,
    retry: false,
  });
}
