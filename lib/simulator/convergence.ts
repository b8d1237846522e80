// A simulated cell × service's deployment: the version it runs, and the version it is switching to
// (a short, random delay after its desired version changed). Pure: times are epoch milliseconds.
import type { Random } from "./random";

export interface Deployment {
  running: string;
  pending?: { version: string; at: number };
}

/** Seconds between seeing a new desired version and running it. */
export interface ConvergeRange {
  minS: number;
  maxS: number;
}

export const DEFAULT_CONVERGE: ConvergeRange = { minS: 2, maxS: 8 };

export function convergeDelayMs(r: ConvergeRange, rand: Random): number {
  return Math.round((r.minS + (r.maxS - r.minS) * rand()) * 1000);
}

/**
 * React to the desired version: schedule a switch when it differs from what runs (keeping an
 * already scheduled switch to the same version), cancel a pending switch when desired goes back
 * to the running version, and leave things alone when nothing is desired.
 */
export function onDesired(d: Deployment, desired: string | null | undefined, nowMs: number, delayMs: number): Deployment {
  if (!desired) return d;
  if (desired === d.running) return d.pending ? { running: d.running } : d;
  if (d.pending?.version === desired) return d;
  return { running: d.running, pending: { version: desired, at: nowMs + delayMs } };
}

/** Apply a switch that is due. */
export function advance(d: Deployment, nowMs: number): { deployment: Deployment; switched?: { from: string; to: string } } {
  if (!d.pending || d.pending.at > nowMs) return { deployment: d };
  return { deployment: { running: d.pending.version }, switched: { from: d.running, to: d.pending.version } };
}

/**
 * The version a newly seen cell × service runs: what it last reported, else what it should run,
 * else what most of the fleet runs for that service, else v1.0.0.
 */
export function initialVersion(observed: string | null, desired: string | null, fleetMajority: string | undefined): string {
  return observed ?? desired ?? fleetMajority ?? "v1.0.0";
}

/** The most common value per key (ties: the highest-sorting value, so the result is stable). */
export function majority(pairs: Iterable<{ key: string; value: string | null }>): Map<string, string> {
  const counts = new Map<string, Map<string, number>>();
  for (const { key, value } of pairs) {
    if (!value) continue;
    const m = counts.get(key) ?? new Map<string, number>();
    m.set(value, (m.get(value) ?? 0) + 1);
    counts.set(key, m);
  }
  const out = new Map<string, string>();
  for (const [key, m] of counts) {
    const best = [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1))[0]!;
    out.set(key, best[0]);
  }
  return out;
}
