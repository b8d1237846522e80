// Waves for the rollout tests (not a test file itself): a pipeline wave and a planned wave with the
// plain defaults — all cells together, a one-minute bake, no checks, no gate, nobody notified.
import type { WavePlan } from "./engine";
import type { Selector, WaveSpec } from "./types";

const DEFAULTS = {
  parallel: true,
  bakeMs: 60_000,
  checks: [],
  requiresApproval: false,
  notify: null,
  maintenanceWindow: false,
} satisfies Omit<WaveSpec, "name" | "selectors">;

/** A pipeline wave (cells by selectors). */
export const waveSpec = (name: string, selectors: Selector[], o: Partial<WaveSpec> = {}): WaveSpec => ({
  name,
  selectors,
  ...DEFAULTS,
  ...o,
});

/** A planned wave of a release (cells by id), its own group unless told otherwise. */
export const wavePlan = (name: string, cells: string[], o: Partial<WavePlan> = {}): WavePlan => ({
  name,
  group: name,
  cells,
  ...DEFAULTS,
  ...o,
});
