// A flag's effect on each cell, and the changes between two such states. A flag change — an edit,
// an import, or a scheduled step passing that nobody clicked — is whatever differs per cell between
// the state recorded before and the state now: the percentage in force there (0 where the targeting
// leaves the cell out, or the flag is off) and how many allowlisted customers are homed there. Pure.
import type { FlagConfig } from "@/lib/flags/model";
import { effectiveRollout } from "@/lib/flags/schedule";
import type { ChangeInput } from "./model";

export interface FlagCellState {
  /** The percentage of the cell's targeted customers that get the flag now. */
  percentage: number;
  /** Allowlisted customers homed in the cell (they get it whatever the percentage). */
  allowlisted: number;
}

export interface CellRef {
  id: string;
  tier: string;
  region: string;
}

export const OFF: FlagCellState = { percentage: 0, allowlisted: 0 };
const isOff = (s: FlagCellState) => s.percentage === 0 && s.allowlisted === 0;

type Effective = Pick<FlagConfig, "enabled" | "rolloutPercentage" | "percentageSetAt" | "schedule" | "allowlist" | "targeting">;

/** Whether a flag's targeting takes in the customers homed in `cell` (empty lists: everyone). */
export function targets(flag: Pick<FlagConfig, "targeting">, cell: CellRef): boolean {
  const t = flag.targeting;
  return (
    (t.tiers.length === 0 || (t.tiers as string[]).includes(cell.tier)) &&
    (t.cells.length === 0 || t.cells.includes(cell.id)) &&
    (t.regions.length === 0 || t.regions.includes(cell.region))
  );
}

/**
 * The flag's state on every cell where it is not simply off, at `now`. `homes`: the home cell of
 * each allowlisted customer (customers that no longer exist are left out).
 */
export function flagCellStates(flag: Effective, cells: readonly CellRef[], homes: Record<string, string>, now: Date) {
  const out = new Map<string, FlagCellState>();
  if (!flag.enabled) return out;
  const percentage = effectiveRollout(flag, now).percentage;
  const allowlisted = new Map<string, number>();
  for (const id of flag.allowlist) {
    const cell = homes[id];
    if (cell) allowlisted.set(cell, (allowlisted.get(cell) ?? 0) + 1);
  }
  for (const c of cells) {
    const s = { percentage: targets(flag, c) ? percentage : 0, allowlisted: allowlisted.get(c.id) ?? 0 };
    if (!isOff(s)) out.set(c.id, s);
  }
  return out;
}

export interface FlagChangeMeta {
  key: string;
  at: Date;
  actor: string;
  source: string;
  /** A scheduled step passed (nobody clicked). */
  scheduled?: boolean;
}

function describe(key: string, before: FlagCellState, after: FlagCellState, scheduled: boolean): string {
  const parts: string[] = [];
  if (before.percentage !== after.percentage) parts.push(`${before.percentage}% → ${after.percentage}% in force here`);
  if (before.allowlisted !== after.allowlisted) parts.push(`allowlisted customers here ${before.allowlisted} → ${after.allowlisted}`);
  return `flag ${key}${scheduled ? " (scheduled step)" : ""}: ${parts.join(", ")}`;
}

/** One change per cell whose state differs between `before` and `after` (cells missing from a map are off). */
export function flagStateChanges(
  before: ReadonlyMap<string, FlagCellState>,
  after: ReadonlyMap<string, FlagCellState>,
  meta: FlagChangeMeta,
): ChangeInput[] {
  const cells = [...new Set([...before.keys(), ...after.keys()])].sort();
  const out: ChangeInput[] = [];
  for (const cell of cells) {
    const b = before.get(cell) ?? OFF,
      a = after.get(cell) ?? OFF;
    if (b.percentage === a.percentage && b.allowlisted === a.allowlisted) continue;
    out.push({
      at: meta.at,
      kind: "flag",
      cell,
      services: [],
      summary: describe(meta.key, b, a, !!meta.scheduled),
      actor: meta.actor,
      link: `/flags/${encodeURIComponent(meta.key)}`,
      before: { flag: meta.key, ...b },
      after: { flag: meta.key, ...a },
      source: meta.source,
    });
  }
  return out;
}

/**
 * The scheduled steps of `flag` that came due in (from, to], in time order. A step overridden by a
 * hand-set percentage (set at or after the step) changes nothing and is left out.
 */
export function stepsDue(flag: Pick<FlagConfig, "schedule" | "percentageSetAt">, from: Date, to: Date) {
  return flag.schedule.filter(
    (s) => s.at.getTime() > from.getTime() && s.at.getTime() <= to.getTime() && s.at.getTime() >= flag.percentageSetAt.getTime(),
  );
}
