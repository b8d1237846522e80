// Current state written behind the samples. The app server's telemetry path (scripts/serve.ts)
// stores every batch's samples synchronously (and a pair's first state, and version changes), and
// hands each pair's newest reading to this buffer, which keeps one pending update per pair in memory
// — later readings merged into it (mergePairUpdates) — and writes the pending ones to
// service_health in one statement, `intervalMs` after the first of them arrived.
//
// - Older never overwrites newer: the statement updates a row only when the reading is newer than
//   the row's (`last_sample_at < reading`), so several app servers may write the same pairs, and a
//   flush that lands after a synchronous write of a newer reading changes nothing.
// - One flush at a time; a failed flush keeps its updates (merged with what arrived meanwhile) and
//   is tried again one interval later.
// - What a crash loses: at most the current state of one interval (samples are durable; the next
//   report of each pair writes its state again). close() flushes, and serve.ts calls it on SIGTERM.
import { boolArray, float8Array, textArray } from "@/lib/db/pg-array";
import { mergePairUpdates, type PairUpdate } from "../current-state";
import type { Queryable } from "./ingest";

/** The default interval between a reading's arrival and its flush. */
export const STATE_FLUSH_MS = 250;

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

/** The same UPDATE as the synchronous ingest statement's, from arrays of pending updates. */
export const FLUSH_SQL = `UPDATE service_health h SET
     last_sample_at = to_timestamp(t.ms / 1000), error_rate = t.error_rate, p99_ms = t.p99_ms, cpu = t.cpu, rps = t.rps,
     status = t.st::"HealthStatus",
     status_since = CASE WHEN t.st_whole AND h.status = t.st::"HealthStatus" THEN h.status_since ELSE to_timestamp(t.st_start / 1000) END,
     error_breach_since = CASE WHEN t.eb IS NULL THEN NULL WHEN t.eb_whole THEN coalesce(h.error_breach_since, to_timestamp(t.eb / 1000)) ELSE to_timestamp(t.eb / 1000) END,
     latency_breach_since = CASE WHEN t.lb IS NULL THEN NULL WHEN t.lb_whole THEN coalesce(h.latency_breach_since, to_timestamp(t.lb / 1000)) ELSE to_timestamp(t.lb / 1000) END
   FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[],
               $8::text[], $9::float8[], $10::bool[], $11::float8[], $12::bool[], $13::float8[], $14::bool[])
     AS t(cell_id, service_id, ms, error_rate, p99_ms, cpu, rps, st, st_start, st_whole, eb, eb_whole, lb, lb_whole)
  WHERE h.cell_id = t.cell_id AND h.service_id = t.service_id AND h.last_sample_at < to_timestamp(t.ms / 1000)`;

export class CurrentStateBuffer {
  private pending = new Map<string, PairUpdate>();
  private cancel: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private closed = false;
  /** Flushes that failed (their updates were kept and tried again). */
  failures = 0;

  constructor(
    private readonly pool: Queryable,
    private readonly opts: { intervalMs?: number; timer?: Timer; onError?: (e: unknown) => void } = {},
  ) {}

  get intervalMs(): number {
    return this.opts.intervalMs ?? STATE_FLUSH_MS;
  }

  /** Pairs with a reading not yet written. */
  get size(): number {
    return this.pending.size;
  }

  /** Take the pairs' newest readings (after their samples were stored); written within one interval. */
  add(updates: Iterable<PairUpdate>): void {
    this.merge(updates);
    if (!this.pending.size || this.cancel) return;
    if (this.closed)
      this.flush().catch(() => {}); // a batch that finished after close(): written at once
    else this.schedule();
  }

  private merge(updates: Iterable<PairUpdate>): void {
    for (const u of updates) {
      const p = this.pending.get(u.key);
      this.pending.set(u.key, p ? mergePairUpdates(p, u) : u);
    }
  }

  private schedule(): void {
    if (!this.cancel && !this.closed && this.pending.size)
      this.cancel = (this.opts.timer ?? realTimer).schedule(() => this.tick(), this.intervalMs);
  }

  private tick(): void {
    this.cancel = null;
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
    this.cancel?.();
    this.cancel = null;
    await this.flush();
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()].sort((a, b) =>
      a.cell < b.cell ? -1 : a.cell > b.cell ? 1 : a.service < b.service ? -1 : a.service > b.service ? 1 : 0,
    );
    this.pending = new Map();
    const ms = (d: Date | null) => (d ? d.getTime() : null);
    try {
      await this.pool.query({
        name: "cellplane.ingest.state-flush",
        text: FLUSH_SQL,
        values: [
          textArray(batch.map((x) => x.cell)),
          textArray(batch.map((x) => x.service)),
          float8Array(batch.map((x) => x.last.ts.getTime())),
          float8Array(batch.map((x) => x.last.errorRate)),
          float8Array(batch.map((x) => x.last.p99Ms)),
          float8Array(batch.map((x) => x.last.cpu)),
          float8Array(batch.map((x) => x.last.rps)),
          textArray(batch.map((x) => x.status)),
          float8Array(batch.map((x) => x.statusRunStart.getTime())),
          boolArray(batch.map((x) => x.statusRunWhole)),
          float8Array(batch.map((x) => ms(x.errorBreachStart))),
          boolArray(batch.map((x) => x.errorBreachWhole)),
          float8Array(batch.map((x) => ms(x.latencyBreachStart))),
          boolArray(batch.map((x) => x.latencyBreachWhole)),
        ],
      });
    } catch (e) {
      // Keep the updates: what arrived meanwhile is newer and merges on top of them.
      const newer = this.pending;
      this.pending = new Map(batch.map((x) => [x.key, x]));
      this.merge(newer.values());
      this.schedule(); // the next try, one interval later (none after close())
      this.failures++;
      (this.opts.onError ?? ((err) => console.error("[ingest] writing current state failed; kept for the next flush:", err)))(e);
      throw e;
    }
  }
}
