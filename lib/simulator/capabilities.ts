// Which API handler versions a cell × service serves, derived from the version it runs. Pure.
// The map says, per service and API version, which service versions ship that handler:
// voice v2 handlers first ship in voice v3.2.0, so a cell on voice v3.1.2 serves only v1.
import { z } from "zod";

export type CapabilityMap = Record<string, Record<string, string>>;

export const DEFAULT_CAPABILITIES: CapabilityMap = {
  sms: { v1: "*", v2: ">=2.0.0" },
  voice: { v1: "*", v2: ">=3.2.0" },
  video: { v1: "*" },
  whatsapp: { v1: "*" },
  email: { v1: "*" },
};

export const capabilityMapSchema = z.record(
  z.string().min(1),
  z.record(z.string().regex(/^v\d+(\.\d+)?$/, "API versions look like v1 or v2"), z.string().min(1)),
);

export interface ParsedVersion {
  nums: [number, number, number];
  /** A pre-release (v3.2.0-rc.1) sorts before its release. */
  pre: string | null;
}

/** `v3.2.0`, `3.2`, `v4`, `v3.2.0-rc.1`; null when not version-like. */
export function parseVersion(v: string): ParsedVersion | null {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(v.trim());
  if (!m) return null;
  return { nums: [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)], pre: m[4] ?? null };
}

/** Negative, zero or positive like a sort comparator. */
export function compareVersions(a: ParsedVersion, b: ParsedVersion): number {
  for (let i = 0; i < 3; i++) if (a.nums[i] !== b.nums[i]) return a.nums[i]! - b.nums[i]!;
  if (a.pre === b.pre) return 0;
  if (a.pre === null) return 1;
  if (b.pre === null) return -1;
  return a.pre < b.pre ? -1 : 1;
}

/**
 * Does `version` satisfy `range`? A range is `*` or space-separated comparators that must all
 * hold: `>=2.0.0`, `>3`, `<=`, `<`, `=` or a bare version (equality). An unparseable version
 * satisfies only `*`.
 */
export function satisfies(version: string, range: string): boolean {
  const r = range.trim();
  if (r === "*" || r === "") return true;
  const v = parseVersion(version);
  if (!v) return false;
  return r.split(/\s+/).every((part) => {
    const m = /^(>=|<=|>|<|=)?(.+)$/.exec(part);
    const target = m && parseVersion(m[2]!);
    if (!target) return false;
    const c = compareVersions(v, target);
    switch (m![1]) {
      case ">=":
        return c >= 0;
      case "<=":
        return c <= 0;
      case ">":
        return c > 0;
      case "<":
        return c < 0;
      default:
        return c === 0;
    }
  });
}

/** The API versions a service at `version` serves, sorted; a service not in the map serves v1. */
export function apiVersionsFor(map: CapabilityMap, service: string, version: string): string[] {
  const entry = map[service];
  if (!entry) return ["v1"];
  return Object.entries(entry)
    .filter(([, range]) => satisfies(version, range))
    .map(([api]) => api)
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}
