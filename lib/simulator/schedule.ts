// When each cell asks for its desired versions: every cell on the same period, each at its own
// phase (a hash of its id), and the period stretched so a large fleet never exceeds a polling
// rate. A 1,000-cell fleet is polled a few cells at a time, not all at once. Pure.
import { hashString } from "./random";

export const DEFAULT_POLL_MS = 5_000;
/** Desired-version requests per second the whole simulated fleet may make. */
export const DEFAULT_MAX_POLLS_PER_S = 25;

export function pollPeriodMs(cellCount: number, baseMs = DEFAULT_POLL_MS, maxPerSecond = DEFAULT_MAX_POLLS_PER_S): number {
  return Math.max(baseMs, Math.ceil((cellCount / maxPerSecond) * 1000));
}

export function pollPhaseMs(cell: string, periodMs: number): number {
  return hashString(`poll:${cell}`) % periodMs;
}

/** The first poll time strictly after `nowMs` on this cell's phase. */
export function nextPollAt(cell: string, nowMs: number, periodMs: number): number {
  const phase = pollPhaseMs(cell, periodMs);
  const k = Math.floor((nowMs - phase) / periodMs) + 1;
  return k * periodMs + phase;
}

/** Split into batches of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
