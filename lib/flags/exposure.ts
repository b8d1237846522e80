// How many real customers a rollout reaches, computed with the same bucketing as evaluation:
// allowlisted customers always, plus customers matching the targeting whose bucket is within the
// percentage. A histogram of buckets makes the estimate instant for any slider position.
import { bucketOf } from "./bucket";
import { evaluate, missingPrerequisite, type CellVersions } from "./evaluate";
import type { FlagConfig } from "./model";

export interface CustomerHome {
  id: string;
  cell: string;
  tier: string;
  region: string;
  /** What the home cell runs (service → observed version), for code prerequisites. */
  versions?: CellVersions;
}

export interface ExposureModel {
  total: number;
  /** Allowlisted customers whose home cell runs the code the flag requires. */
  allowlisted: number;
  /** Customers matching the targeting (allowlisted ones excluded) whose home cell runs the code. */
  targeted: number;
  /** histogram[b - 1] = such targeted customers in bucket b (1–100). */
  histogram: number[];
  /** The same for customers held back by the flag's prerequisites (their home cell lacks the code). */
  heldAllowlisted: number;
  heldHistogram: number[];
}

type Exposable = Pick<FlagConfig, "key" | "salt" | "allowlist" | "targeting" | "requires">;

export function exposureModel(flag: Exposable, customers: readonly CustomerHome[]): ExposureModel {
  const allow = new Set(flag.allowlist);
  const { tiers, cells, regions } = flag.targeting;
  const salt = flag.salt || flag.key;
  const requires = Object.entries(flag.requires ?? {}).map(([service, range]) => ({ service, range }));
  const histogram = new Array<number>(100).fill(0);
  const heldHistogram = new Array<number>(100).fill(0);
  let allowlisted = 0,
    heldAllowlisted = 0,
    targeted = 0;
  for (const c of customers) {
    const held = requires.length > 0 && missingPrerequisite(requires, c.versions) !== null;
    if (allow.has(c.id)) {
      if (held) heldAllowlisted++;
      else allowlisted++;
      continue;
    }
    if (tiers.length && !tiers.includes(c.tier as never)) continue;
    if (cells.length && !cells.includes(c.cell)) continue;
    if (regions.length && !regions.includes(c.region)) continue;
    if (held) {
      heldHistogram[bucketOf(salt, c.id) - 1]!++;
      continue;
    }
    targeted++;
    histogram[bucketOf(salt, c.id) - 1]!++;
  }
  return { total: customers.length, allowlisted, targeted, histogram, heldAllowlisted, heldHistogram };
}

/** Customers a percentage would reach but the flag's prerequisites hold back (their home cell lacks the code). */
export function heldBackAt(model: ExposureModel, percentage: number): number {
  const p = Math.max(0, Math.min(100, Math.floor(percentage)));
  let n = model.heldAllowlisted;
  for (let b = 0; b < p; b++) n += model.heldHistogram[b]!;
  return n;
}

export interface HeldBackCell {
  cell: string;
  /** The first prerequisite the cell misses. */
  service: string;
  range: string;
  running: string | null;
  /** Customers homed in the cell. */
  customers: number;
}

/** Cells that do not run the code a flag requires, with the customers homed there (none when it requires nothing). */
export function heldBackCells(
  flag: Pick<FlagConfig, "requires">,
  cells: readonly { id: string; versions: CellVersions }[],
  customers: readonly CustomerHome[],
): HeldBackCell[] {
  const requires = Object.entries(flag.requires ?? {}).map(([service, range]) => ({ service, range }));
  if (!requires.length) return [];
  const homed = new Map<string, number>();
  for (const c of customers) homed.set(c.cell, (homed.get(c.cell) ?? 0) + 1);
  return cells.flatMap((c) => {
    const miss = missingPrerequisite(requires, c.versions);
    return miss ? [{ cell: c.id, ...miss, customers: homed.get(c.id) ?? 0 }] : [];
  });
}

/** Per cell: customers homed there and how many the flag is on for at `now` (evaluation itself). */
export function cellExposure(
  flag: FlagConfig,
  customers: readonly CustomerHome[],
  now: Date,
): Map<string, { customers: number; on: number }> {
  const out = new Map<string, { customers: number; on: number }>();
  for (const c of customers) {
    const e = out.get(c.cell) ?? { customers: 0, on: 0 };
    e.customers++;
    if (evaluate(flag, { targetingKey: c.id, tier: c.tier, cell: c.cell, region: c.region }, now, c.versions ?? null).value) e.on++;
    out.set(c.cell, e);
  }
  return out;
}

export interface Exposure {
  exposed: number;
  total: number;
  /** exposed / total, 0–1 (0 when there are no customers). */
  share: number;
}

/** Customers reached at a percentage, assuming the flag is on (those held back by prerequisites excluded). */
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
