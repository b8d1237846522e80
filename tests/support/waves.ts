import type { WavePlan } from "@/lib/rollouts/engine";
import { wavePlan } from "@/lib/rollouts/test-fixtures";

/** A wave of `cells` named `name` (its group too): parallel, an hour's bake, no gate, notice, window or checks unless `o` says. */
export const testWave = (name: string, cells: string[], o: Partial<WavePlan> = {}): WavePlan =>
  wavePlan(name, cells, { bakeMs: 3_600_000, ...o });
