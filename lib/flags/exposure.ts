// How many real customers a rollout reaches, computed with the same bucketing as evaluation:
// allowlisted customers always, plus customers matching the targeting whose bucket is within the
// percentage. A histogram of buckets makes the estimate instant for any slider position.
import { bucketOf } from "./bucket";
import type { FlagConfig } from "./model";

export interface CustomerHome {
  id: string;
  cell: string;
  tier: string;
  region: string;
}

export interface ExposureModel {
  total: number;
  allowlisted: number;
  /** Customers matching the targeting (allowlisted ones excluded). */
  targeted: number;
  /** histogram[b - 1] = targeted customers in bucket b (1–100). */
  histogram: number[];
}

type Exposable = Pick<FlagConfig, "key" | "salt" | "allowlist" | "targeting">;

export function exposureModel(flag: Exposable, customers: readonly CustomerHome[]): ExposureModel {
  const allow = new Set(flag.allowlist);
  const { tiers, cells, regions } = flag.targeting;
  const salt = flag.salt || flag.key;
  const histogram = new Array<number>(100).fill(0);
  let allowlisted = 0,
    targeted = 0;
  for (const c of customers) {
    if (allow.has(c.id)) {
      allowlisted++;
      continue;
    }
    if (tiers.length && !tiers.includes(c.tier as never)) continue;
    if (cells.length && !cells.includes(c.cell)) continue;
    if (regions.length && !regions.includes(c.region)) continue;
    targeted++;
    histogram[bucketOf(salt, c.id) - 1]!++;
  }
  return { total: customers.length, allowlisted, targeted, histogram };
}

export interface Exposure {
  exposed: number;
  total: number;
  /** exposed / total, 0–1 (0 when there are no customers). */
  share: number;
}

/** Customers reached at a percentage, assuming the flag is on. */
export function exposedAt(model: ExposureModel, percentage: number): Exposure {
  let exposed = model.allowlisted;
  const p = Math.max(0, Math.min(100, Math.floor(percentage)));
  for (let b = 0; b < p; b++) exposed += model.histogram[b]!;
  return { exposed, total: model.total, share: model.total ? exposed / model.total : 0 };
}

export function formatExposure(e: Exposure): string {
  const pct = e.share * 100;
  const shown = pct === 0 || pct === 100 || pct >= 10 ? pct.toFixed(0) : pct.toFixed(1);
  return `${e.exposed.toLocaleString("en")} of ${e.total.toLocaleString("en")} customers (${shown}%)`;
}
