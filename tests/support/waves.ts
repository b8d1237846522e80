import type { WavePlan } from "@/lib/rollouts/engine";

/** A wave of `cells` named `name` (its group too): parallel, an hour's bake, no gate, notice, window or checks unless `o` says. */
export const testWave = (name: string, cells: string[], o: Partial<WavePlan> = {}): WavePlan => ({
  name,
  group: name,
  cells,
  parallel: true,
  bakeMs: 3_600_000,
  requiresApproval: false,
  notify: null,
  maintenanceWindow: false,
  checks: [],
  ...o,
});
