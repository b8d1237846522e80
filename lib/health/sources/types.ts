// Where health readings come from (DESIGN "Growing the house"): the built-in store (telemetry pushed
// to POST /api/v1/telemetry) or a Prometheus-compatible query API, behind one small interface. The
// heatmap's current state, the cell and service charts, release checks and guards, and alert rules
// read through it. Types only; the implementations are in ./server/.

export const HEALTH_SOURCE_KINDS = ["builtin", "prometheus"] as const;
export type HealthSourceKind = (typeof HEALTH_SOURCE_KINDS)[number];

/** The newest reading of one cell × service. */
export interface CurrentReading {
  cell: string;
  service: string;
  /** When it was measured (the sample's own time, not when it was read). */
  at: Date;
  /** Fraction of requests that failed, 0–1. */
  errorRate: number;
  p99Ms: number;
  /** Fraction of a core, 0–1. */
  cpu: number;
  rps: number;
  /** The version it runs, when the source knows it. */
  version: string | null;
}

/** A trailing or past window of time, both ends included. */
export interface TimeWindow {
  from: Date;
  to: Date;
}

/** One cell × service × version over a window: how many readings it had there, and their means. */
export interface WindowReading {
  cell: string;
  service: string;
  version: string | null;
  /** Readings in the window (samples for the built-in store, evaluation steps for Prometheus). */
  samples: number;
  errorRate: number | null;
  p99Ms: number | null;
  cpu: number | null;
  rps: number | null;
}

/** One point of a chart: the means over a step (p99: the highest). */
export interface SeriesPoint {
  t: number;
  errorRate: number;
  p99Ms: number;
  cpu: number;
  rps: number;
}

export interface HealthSource {
  readonly kind: HealthSourceKind;
  /** The newest reading of every cell × service that has one (the whole fleet at once). */
  current(now: Date): Promise<CurrentReading[]>;
  /**
   * Readings of these cells' services in the window, per version they ran (a release check asks
   * for the new version's; a guard for a trailing window at `now`). Never one query per cell.
   */
  readings(cells: string[], services: string[], window: TimeWindow, now: Date): Promise<WindowReading[]>;
  /** Chart series of one cell's services, in steps of `stepMs`. */
  series(cell: string, services: string[], window: TimeWindow, stepMs: number): Promise<Record<string, SeriesPoint[]>>;
}
