// Wave planning: a pipeline's selectors resolved against the fleet as it is now. Waves never
// overlap (a cell goes with the first wave that selects it); one-at-a-time waves become one planned
// wave per cell, behind a single approval gate.
import { createHash } from "node:crypto";
import { globToRegExp } from "./selectors";
import type { PipelineSpec, Selector, WaveSpec } from "./types";

/** A pipeline wave's settings, with its selectors resolved to cells. */
export interface PlannedWave extends Omit<WaveSpec, "selectors"> {
  /** The pipeline wave this belongs to (a one-at-a-time wave plans one wave per cell). */
  group: string;
  cells: string[];
}

export interface PlanCell {
  id: string;
  tier: "canary" | "smb" | "enterprise";
  status?: string;
}

export const byCellId = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true });

/** `ceil(n × percent / 100)`, without float noise turning 7.000000000000001 into 8. */
const shareOf = (n: number, percent: number) => Math.min(n, Math.ceil(Number(((n * percent) / 100).toPrecision(12))));

const rank = (id: string) => createHash("sha256").update(id).digest("hex");

/** Cells in a stable pseudo-random order: each cell's place depends only on its own id. */
function hashOrder(cells: string[]): string[] {
  return cells
    .map((id) => ({ id, key: rank(id) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : byCellId(a.id, b.id)))
    .map((x) => x.id);
}

/**
 * `ceil(n × percent / 100)` of `cells`, chosen by a hash of each id: the same pick for the same
 * cells whatever their order, and adding one cell changes the pick by at most one.
 */
export function percentPick(cells: string[], percent: number): string[] {
  const unique = [...new Set(cells)];
  const k = shareOf(unique.length, percent);
  return hashOrder(unique).slice(0, k).sort(byCellId);
}

function resolve(sel: Selector, active: PlanCell[], taken: Set<string>): string[] {
  const free = (ids: string[]) => ids.filter((id) => !taken.has(id));
  const ofTier = (tier: PlanCell["tier"]) => active.filter((c) => c.tier === tier).map((c) => c.id);
  switch (sel.kind) {
    case "ids": {
      const ids = new Set(active.map((c) => c.id));
      return free(sel.ids.filter((id) => ids.has(id)));
    }
    case "glob": {
      const re = globToRegExp(sel.pattern);
      return free(active.filter((c) => re.test(c.id)).map((c) => c.id));
    }
    case "tier":
    case "rest":
      return free(ofTier(sel.tier));
    case "percent": {
      // The share is of the whole tier; the cells come from those earlier waves left free.
      const tier = ofTier(sel.tier);
      const k = shareOf(tier.length, sel.percent);
      return hashOrder(free(tier)).slice(0, k);
    }
  }
}

/** The waves a release of `spec` would run on `fleet` now. Waves that select no cell are dropped. */
export function planWaves(spec: PipelineSpec, fleet: PlanCell[]): PlannedWave[] {
  const active = fleet.filter((c) => c.status === undefined || c.status === "active");
  const taken = new Set<string>();
  const out: PlannedWave[] = [];
  for (const w of spec.waves) {
    const cells = [...new Set(w.selectors.flatMap((s) => resolve(s, active, taken)))].sort(byCellId);
    cells.forEach((id) => taken.add(id));
    if (cells.length === 0) continue;
    const base = { group: w.name, bakeMs: w.bakeMs, checks: w.checks, notify: w.notify, maintenanceWindow: w.maintenanceWindow };
    if (w.parallel) {
      out.push({ ...base, name: w.name, cells, parallel: true, requiresApproval: w.requiresApproval });
    } else {
      cells.forEach((id, i) =>
        out.push({ ...base, name: `${w.name} · ${id}`, cells: [id], parallel: false, requiresApproval: w.requiresApproval && i === 0 }),
      );
    }
  }
  return out;
}
