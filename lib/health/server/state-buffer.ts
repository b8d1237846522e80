// Current state written behind the samples. The app server's telemetry path (scripts/serve.ts)
// stores every batch's samples synchronously (and a pair's first state, and version changes), and
// hands each pair's newest reading to this buffer, which keeps one pending update per pair in memory
// — later readings merged into it (addPending) — and writes the pending ones to service_health in
// one statement: `quietMs` after readings stop arriving, and at the latest `intervalMs` after the
// first of them arrived. A pair reporting several times in an interval is written once: under a
// continuous stream a flush a second, not one per batch; after a pause, at once.
//
// - Older never overwrites newer: the statement updates a row only when the reading is newer than
//   the row's (`last_sample_at < reading`), so several app servers may write the same pairs, and a
//   flush that lands after a synchronous write of a newer reading changes nothing.
// - One flush at a time; a failed flush keeps its updates (merged with what arrived meanwhile) and
//   is tried again one interval later.
// - What a crash loses: at most the current state of one interval (samples are durable; the next
//   report of each pair writes its state again). close() flushes, and serve.ts calls it on SIGTERM.
import { boolArray, float8Array, textArray } from "@/lib/db/pg-array";
import { addPending, mergePairUpdates, type PairUpdate, type PendingState } from "../current-state";
import type { Queryable } from "./ingest";

/** The longest a reading waits for its flush (under a continuous stream of readings). */
export const STATE_FLUSH_MS = 1000;
/** A flush this long after the last reading arrived, when readings pause. */
export const STATE_QUIET_MS = 50;

export interface Timer {
  /** Run `fn` in `ms`; returns a function that cancels it. */
  schedule(fn: () => void, ms: number): () => void;
}

const realTimer: Timer = {
  schedule(fn, ms) {
    const h = setTimeout(fn, ms);
    h.unref?.();
    return () => clearTimeout(h);
  },
};

// The synchronous ingest statement's UPDATE (ingest.ts), from arrays of pending states: the run
// columns are the merged update's (m_…) on a row older than every merged reading, else the newest
// update's own (n_…), see PendingState.
const since = (p: string) =>
  `CASE WHEN t.${p}st_whole AND h.status = t.st::"HealthStatus" THEN h.status_since ELSE to_timestamp(t.${p}st_start / 1000) END`;
const breach = (p: string, col: string, k: string) =>
  `CASE WHEN t.${p}${k} IS NULL THEN NULL WHEN t.${p}${k}_whole THEN coalesce(h.${col}, to_timestamp(t.${p}${k} / 1000)) ELSE to_timestamp(t.${p}${k} / 1000) END`;
const pick = (m: string, n: string) => `CASE WHEN h.last_sample_at < to_timestamp(t.from_ms / 1000) THEN ${m} ELSE ${n} END`;
export const FLUSH_SQL = `UPDATE service_health h SET
     last_sample_at = to_timestamp(t.ms / 1000), error_rate = t.error_rate, p99_ms = t.p99_ms, cpu = t.cpu, rps = t.rps,
     status = t.st::"HealthStatus",
     status_since = ${pick(since("m_"), since("n_"))},
     error_breach_since = ${pick(breach("m_", "error_breach_since", "eb"), breach("n_", "error_breach_since", "eb"))},
     latency_breach_since = ${pick(breach("m_", "latency_breach_since", "lb"), breach("n_", "latency_breach_since", "lb"))}
   FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::text[], $9::float8[],
               $10::float8[], $11::bool[], $12::float8[], $13::bool[], $14::float8[], $15::bool[],
               $16::float8[], $17::bool[], $18::float8[], $19::bool[], $20::float8[], $21::bool[])
     AS t(cell_id, service_id, ms, error_rate, p99_ms, cpu, rps, st, from_ms,
          m_st_start, m_st_whole, m_eb, m_eb_whole, m_lb, m_lb_whole, n_st_start, n_st_whole, n_eb, n_eb_whole, n_lb, n_lb_whole)
  WHERE h.cell_id = t.cell_id AND h.service_id = t.service_id AND h.last_sample_at < to_timestamp(t.ms / 1000)`;

export class CurrentStateBuffer {
  private pending = new Map<string, PendingState>();
  private cancel: (() => void) | null = null;
  private cancelQuiet: (() => void) | null = null;
  /** The last flush failed: the next try waits for the interval, not for a pause. */
  private backingOff = false;
  private running: Promise<void> | null = null;
  private closed = false;
  /** Flushes that failed (their updates were kept and tried again). */
  failures = 0;

  constructor(
    private readonly pool: Queryable,
    private readonly opts: { intervalMs?: number; quietMs?: number; timer?: Timer; onError?: (e: unknown) => void } = {},
  ) {}

  get intervalMs(): number {
    return this.opts.intervalMs ?? STATE_FLUSH_MS;
  }

  get quietMs(): number {
    return Math.min(this.opts.quietMs ?? STATE_QUIET_MS, this.intervalMs);
  }

  /** Pairs with a reading not yet written. */
  get size(): number {
    return this.pending.size;
  }

  /** Take the pairs' newest readings (after their samples were stored); written within one interval. */
  add(updates: Iterable<PairUpdate>): void {
    this.merge(updates);
    if (!this.pending.size) return;
    if (this.closed) {
      this.flush().catch(() => {}); // a batch that finished after close(): written at once
      return;
    }
    this.schedule();
    if (this.backingOff) return;
    // The quiet timer starts again with every batch: it fires only when readings pause.
    this.cancelQuiet?.();
    this.cancelQuiet = (this.opts.timer ?? realTimer).schedule(() => this.tick(), this.quietMs);
  }

  private merge(updates: Iterable<PairUpdate>): void {
    for (const u of updates) this.pending.set(u.key, addPending(this.pending.get(u.key), u));
  }

  private schedule(): void {
    if (!this.cancel && !this.closed && this.pending.size)
      this.cancel = (this.opts.timer ?? realTimer).schedule(() => this.tick(), this.intervalMs);
  }

  private stopTimers(): void {
    this.cancel?.();
    this.cancelQuiet?.();
    this.cancel = this.cancelQuiet = null;
  }

  private tick(): void {
    this.stopTimers();
    this.flush().catch(() => {}); // reported by flush through onError
  }

  /** Write every pending update now (after a flush already running). Rejects when the write failed; the updates are kept. */
  flush(): Promise<void> {
    const write = () => this.write();
    const run = (this.running ?? Promise.resolve()).then(write, write);
    this.running = run;
    const done = () => {
      if (this.running === run) this.running = null;
    };
    run.then(done, done);
    return run;
  }

  /** Flush what is pending and stop scheduling (shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    this.stopTimers();
    await this.flush();
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const held = this.pending;
    const batch = [...held.values()].sort((x, y) => {
      const a = x.newest,
        b = y.newest;
      return a.cell < b.cell ? -1 : a.cell > b.cell ? 1 : a.service < b.service ? -1 : a.service > b.service ? 1 : 0;
    });
    this.pending = new Map();
    try {
      await this.pool.query({
        name: "cellplane.ingest.state-flush",
        text: FLUSH_SQL,
        values: [
          textArray(batch.map((x) => x.newest.cell)),
          textArray(batch.map((x) => x.newest.service)),
          float8Array(batch.map((x) => x.newest.last.ts.getTime())),
          float8Array(batch.map((x) => x.newest.last.errorRate)),
          float8Array(batch.map((x) => x.newest.last.p99Ms)),
          float8Array(batch.map((x) => x.newest.last.cpu)),
          float8Array(batch.map((x) => x.newest.last.rps)),
          textArray(batch.map((x) => x.newest.status)),
          float8Array(batch.map((x) => x.from)),
          ...runColumns(batch.map((x) => x.merged)),
          ...runColumns(batch.map((x) => x.newest)),
        ],
      });
      this.backingOff = false;
    } catch (e) {
      // Keep the updates; what arrived meanwhile is merged on top of them.
      const newer = this.pending;
      this.pending = held;
      for (const [key, p] of newer) {
        const kept = held.get(key);
        const merged = kept && mergePairUpdates(kept.merged, p.merged);
        held.set(key, !kept ? p : merged === kept.merged ? kept : { merged: merged!, newest: p.newest, from: Math.min(kept.from, p.from) });
      }
      this.backingOff = true;
      this.cancelQuiet?.();
      this.cancelQuiet = null;
      this.schedule(); // the next try, one interval later (none after close())
      this.failures++;
      (this.opts.onError ?? ((err) => console.error("[ingest] writing current state failed; kept for the next flush:", err)))(e);
      throw e;
    }
  }
}

const ms = (d: Date | null) => (d ? d.getTime() : null);
/** A pair update's runs as statement parameters: status run start and wholeness, then the error and latency breaches'. */
export const runColumns = (u: PairUpdate[]) => [
  float8Array(u.map((x) => x.statusRunStart.getTime())),
  boolArray(u.map((x) => x.statusRunWhole)),
  float8Array(u.map((x) => ms(x.errorBreachStart))),
  boolArray(u.map((x) => x.errorBreachWhole)),
  float8Array(u.map((x) => ms(x.latencyBreachStart))),
  boolArray(u.map((x) => x.latencyBreachWhole)),
];
