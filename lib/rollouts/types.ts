// The vocabulary of wave-based rollouts, shared by pipeline parsing, planning and the release engine.

/** How a wave picks its cells from the fleet (resolved when a release starts). */
export type Selector =
  | { kind: "ids"; ids: string[] } // explicit cell ids
  | { kind: "glob"; pattern: string } // e.g. "smb-*"
  | { kind: "tier"; tier: "canary" | "smb" | "enterprise" } // every active cell of a tier
  | { kind: "percent"; tier: "canary" | "smb" | "enterprise"; percent: number } // "25% of smb": deterministic, stable
  | { kind: "rest"; tier: "canary" | "smb" | "enterprise" }; // the cells of the tier not taken by earlier waves

/**
 * Minimum evidence of a check on telemetry, per cell (and for a baseline): below it the check is
 * "not enough data" and can neither pass nor fail. Unset: the guard's defaults (guards.ts).
 */
export interface Evidence {
  minSamples?: number;
  minRequests?: number;
}

/** What a relative check compares between the cells under watch and their baseline. */
export type RelativeMetric = "error_rate" | "latency";

/** A validation check, as written in a pipeline and normalised. */
export type CheckSpec =
  | ({ kind: "error_rate"; max: number | null; source: string } & Evidence) // fraction; null = Fleet health's yellow threshold
  | ({ kind: "latency"; maxP99Ms: number | null; source: string } & Evidence) // null = Fleet health's yellow threshold
  | ({ kind: "relative"; metric: RelativeMetric; factor: number; source: string } & Evidence) // e.g. error_rate < 2x baseline
  | { kind: "no_alerts"; alertType: string; forMs: number; source: string } // e.g. no_pagerduty_alerts: 30m
  | { kind: "customer_complaints"; source: string }; // no alert of type customer_complaint during the bake

/** What a wave does when its guard sees a breach while it deploys or bakes. */
export type OnBreach = "rollback" | "pause";

export interface WaveSpec {
  name: string;
  /** Cells of the wave: the union of these selectors, minus cells taken by earlier waves. */
  selectors: Selector[];
  /** true: all cells together; false: one cell at a time (each with its own bake). */
  parallel: boolean;
  bakeMs: number;
  checks: CheckSpec[];
  requiresApproval: boolean;
  notify: string | null;
  /** Each cell's deploy must start inside one of its maintenance windows. */
  maintenanceWindow: boolean;
  /** A breach seen while deploying or baking: roll the wave back (unset: the default) or pause for a human. */
  onBreach?: OnBreach;
}

export interface PipelineSpec {
  id: string;
  name: string;
  description: string;
  waves: WaveSpec[];
}

/** A parsed pipeline file and which of the two accepted forms it was written in. */
export interface ParsedPipeline {
  spec: PipelineSpec;
  format: "native" | "state-machine";
}

export const WAVE_STATES = [
  "PENDING",
  "AWAITING_APPROVAL",
  "DEPLOYING",
  "BAKING",
  "VALIDATING",
  "PASSED",
  "FAILED",
  "ROLLING_BACK",
  "ROLLED_BACK",
  "REJECTED",
  "SKIPPED",
] as const;
export type WaveState = (typeof WAVE_STATES)[number];

export const RELEASE_STATUSES = ["running", "awaiting_approval", "paused", "rolling_back", "succeeded", "rolled_back", "aborted"] as const;
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];
