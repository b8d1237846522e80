// Cell selectors as pipelines write them: "tier:enterprise", "25% of smb", "rest of smb",
// "smb-*" (a glob), or a plain cell id.
import type { Selector } from "./types";

export const ROLLOUT_TIERS = ["canary", "smb", "enterprise"] as const;
export type RolloutTier = (typeof ROLLOUT_TIERS)[number];

const CELL_ID = /^[a-z0-9-]+$/;
const GLOB = /^[a-z0-9*-]+$/;
const isTier = (t: string): t is RolloutTier => (ROLLOUT_TIERS as readonly string[]).includes(t);
const EXPECTED = 'expected tier:<tier>, "<n>% of <tier>", "rest of <tier>", a glob like smb-*, or a cell id';

/** One selector from its text, or the reason it is not one. A plain id comes back as `{ kind: "ids" }`. */
export function parseSelector(text: string): Selector | string {
  const s = text.trim();
  const tierErr = (t: string) => `unknown tier "${t}" (one of ${ROLLOUT_TIERS.join(", ")})`;
  let m = /^tier\s*:\s*(\S+)$/.exec(s);
  if (m) return isTier(m[1]!) ? { kind: "tier", tier: m[1] } : tierErr(m[1]!);
  m = /^(\S+)\s*%\s+of\s+(\S+)$/.exec(s);
  if (m) {
    const [, rawPct, tier] = m as unknown as [string, string, string];
    if (!/^\d+(\.\d+)?$/.test(rawPct)) return `"${rawPct}%" is not a percentage`;
    const percent = Number(rawPct);
    if (percent <= 0 || percent > 100) return `the percentage must be above 0 and at most 100 (got ${rawPct}%)`;
    return isTier(tier) ? { kind: "percent", tier, percent } : tierErr(tier);
  }
  m = /^rest\s+of\s+(\S+)$/.exec(s);
  if (m) return isTier(m[1]!) ? { kind: "rest", tier: m[1] } : tierErr(m[1]!);
  if (s.includes("*"))
    return GLOB.test(s) ? { kind: "glob", pattern: s } : `"${s}" is not a cell glob (lower-case letters, digits, dashes and *)`;
  if (CELL_ID.test(s)) return { kind: "ids", ids: [s] };
  return `"${s}" is not a selector (${EXPECTED})`;
}

/** The text of a selector, as `parseSelector` reads it (ids are joined with ", "). */
export function formatSelector(s: Selector): string {
  switch (s.kind) {
    case "ids":
      return s.ids.join(", ");
    case "glob":
      return s.pattern;
    case "tier":
      return `tier:${s.tier}`;
    case "percent":
      return `${s.percent}% of ${s.tier}`;
    case "rest":
      return `rest of ${s.tier}`;
  }
}

/** A glob (only `*` is special) as an anchored regular expression. */
export function globToRegExp(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split("*")
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
}
