// The live views of the console: pages whose state changes while someone looks at them. Each has a
// *stamp* — a short fingerprint of what the page shows that changes — which the browser polls
// (components/use-live-view.ts, through the one polling hook) and compares with the one the page
// was rendered with; a different stamp re-renders the page's server components in place. Pure.
export const LIVE_VIEWS = ["alerts", "releases", "release", "migrations", "migration", "flags", "flag", "gateway", "audit"] as const;
export type LiveView = (typeof LIVE_VIEWS)[number];

/** Views about one thing: the thing's id is part of the question. */
export const VIEWS_WITH_ID: ReadonlySet<LiveView> = new Set(["release", "migration", "flag"]);

/** How often each view is polled (ms). Running things move faster than lists of them. */
export const LIVE_EVERY_MS: Record<LiveView, number> = {
  alerts: 3_000,
  releases: 3_000,
  release: 2_000,
  migrations: 3_000,
  migration: 2_000,
  flags: 5_000,
  flag: 5_000,
  gateway: 5_000,
  audit: 5_000,
};

export const isLiveView = (v: string): v is LiveView => (LIVE_VIEWS as readonly string[]).includes(v);

/** FNV-1a over UTF-16 code units, 32 bits, from `seed`. */
function fnv1a(text: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * The fingerprint of a view's changing state: any JSON value (bigints as text) → 16 hex digits (two
 * FNV-1a hashes; a fingerprint to notice change, not a cryptographic digest — it runs in browsers too).
 */
export function stampOf(value: unknown): string {
  const json = JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v)) ?? "null";
  const hex = (n: number) => n.toString(16).padStart(8, "0");
  return hex(fnv1a(json, 0x811c9dc5)) + hex(fnv1a(json, 0x2f4a7c15));
}

export interface LiveStamp {
  view: LiveView;
  id: string | null;
  stamp: string;
  /** When the stamp was taken (ISO 8601). */
  at: string;
}
