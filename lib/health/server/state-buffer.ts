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
import { boolArray, float8Array, textArray, zipped } from "@/lib/db/pg-array";
import {
  addToSlot,
  byPair,
  mergePairUpdates,
  type PairUpdate,
  PendingSlot,
  type PendingState,
  setSlot,
  slotPending,
} from "../current-state";
import type { Queryable } from "./ingest";

/** The longest a reading waits for its flush (under a continuous stream of readings). */
export const STATE_FLUSH_MS = 1000;
/** A flush this long after the last reading arrived, when readings pause. */
export const STATE_QUIET_MS = 50;
/** A pair's slot is forgotten after this many flushes without a reading of it. */
const SLOT_IDLE_FLUSHES = 600;

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
   FROM ${zipped(
     1,
     "cell_id text, service_id text, ms float8, error_rate float8, p99_ms float8, cpu float8, rps float8, st text, from_ms float8, " +
       "m_st_start float8, m_st_whole bool, m_eb float8, m_eb_whole bool, m_lb float8, m_lb_whole bool, " +
       "n_st_start float8, n_st_whole bool, n_eb float8, n_eb_whole bool, n_lb float8, n_lb_whole bool",
   )} AS t
  WHERE h.cell_id = t.cell_id AND h.service_id = t.service_id AND h.last_sample_at < to_timestamp(t.ms / 1000)`;

export class CurrentStateBuffer {
  /** One slot per pair ever reported here, kept between flushes (merging into it allocates nothing); pruned when idle. */
  private slots = new Map<string, PendingSlot>();
  /** The slots holding an update not yet written, in the order they became dirty. */
  private dirty: PendingSlot[] = [];
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
    return this.dirty.length;
  }

  /** Take the pairs' newest readings (after their samples were stored); written within one interval. */
  add(updates: Iterable<PairUpdate>): void {
    this.merge(updates);
    if (!this.dirty.length) return;
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

  private slot(cell: string, service: string, key: string): PendingSlot {
    let slot = this.slots.get(key);
    if (!slot) this.slots.set(key, (slot = new PendingSlot(cell, service)));
    return slot;
  }

  private merge(updates: Iterable<PairUpdate>): void {
    for (const u of updates) {
      const slot = this.slot(u.cell, u.service, u.key);
      if (!slot.dirty) {
        this.dirty.push(slot);
        slot.idle = 0;
      }
      addToSlot(slot, u);
    }
  }

  private schedule(): void {
    if (!this.cancel && !this.closed && this.dirty.length)
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
    if (this.dirty.length === 0) return;
    // What this flush writes leaves the slots (they are clean again): readings arriving meanwhile
    // start pending states of their own, as after a successful write.
    const batch = this.dirty.sort(byPair);
    this.dirty = [];
    const cols = takeColumns(batch);
    try {
      await this.pool.query({ name: "cellplane.ingest.state-flush", text: FLUSH_SQL, values: flushValues(cols) });
      this.backingOff = false;
      this.prune();
    } catch (e) {
      this.keep(batch, cols);
      this.backingOff = true;
      this.cancelQuiet?.();
      this.cancelQuiet = null;
      this.schedule(); // the next try, one interval later (none after close())
      this.failures++;
      (this.opts.onError ?? ((err) => console.error("[ingest] writing current state failed; kept for the next flush:", err)))(e);
      throw e;
    }
  }

  /** A failed flush's updates back in their slots, with what arrived meanwhile merged on top of them. */
  private keep(batch: PendingSlot[], cols: SlotColumns): void {
    batch.forEach((slot, i) => {
      const kept = heldState(cols, i);
      if (!slot.dirty) {
        setSlot(slot, kept);
        this.dirty.push(slot);
        return;
      }
      const p = slotPending(slot);
      const merged = mergePairUpdates(kept.merged, p.merged);
      setSlot(slot, merged === kept.merged ? kept : { merged, newest: p.newest, from: Math.min(kept.from, p.from) });
    });
  }

  /** Forget slots of pairs not reported for SLOT_IDLE_FLUSHES flushes (a retired cell's pairs). */
  private prune(): void {
    for (const [key, slot] of this.slots) if (!slot.dirty && ++slot.idle > SLOT_IDLE_FLUSHES) this.slots.delete(key);
  }
}

const NUMBERS = ["ms", "errorRate", "p99Ms", "cpu", "rps", "from", "mSt", "mEb", "mLb", "nSt", "nEb", "nLb"] as const;
const FLAGS = ["mStWhole", "mEbWhole", "mLbWhole", "nStWhole", "nEbWhole", "nLbWhole"] as const;

/** A flush's slots as columns (NaN as null), taken as they were when the flush began. */
interface SlotColumns {
  cell: string[];
  service: string[];
  status: PendingSlot["status"][];
  num: Record<(typeof NUMBERS)[number], (number | null)[]>;
  flag: Record<(typeof FLAGS)[number], boolean[]>;
}

/** The slots' pending states as columns; the slots are clean after. */
function takeColumns(batch: PendingSlot[]): SlotColumns {
  const n = batch.length;
  const col = <T>() => new Array<T>(n);
  const num = Object.fromEntries(NUMBERS.map((f) => [f, col<number | null>()])) as SlotColumns["num"];
  const flag = Object.fromEntries(FLAGS.map((f) => [f, col<boolean>()])) as SlotColumns["flag"];
  const cols: SlotColumns = { cell: col(), service: col(), status: col(), num, flag };
  // Field by field, not through the name lists: a flush takes every reporting pair at once, and
  // read through the lists (slot[name]) a flush of 5,000 pairs took 8–15 ms of JavaScript, against
  // 2.3 ms written out.
  const orNull = (x: number) => (Number.isNaN(x) ? null : x);
  for (let i = 0; i < n; i++) {
    const x = batch[i]!;
    cols.cell[i] = x.cell;
    cols.service[i] = x.service;
    cols.status[i] = x.status;
    num.ms[i] = x.ms;
    num.errorRate[i] = x.errorRate;
    num.p99Ms[i] = x.p99Ms;
    num.cpu[i] = x.cpu;
    num.rps[i] = x.rps;
    num.from[i] = x.from;
    num.mSt[i] = x.mSt;
    num.mEb[i] = orNull(x.mEb);
    num.mLb[i] = orNull(x.mLb);
    num.nSt[i] = x.nSt;
    num.nEb[i] = orNull(x.nEb);
    num.nLb[i] = orNull(x.nLb);
    flag.mStWhole[i] = x.mStWhole;
    flag.mEbWhole[i] = x.mEbWhole;
    flag.mLbWhole[i] = x.mLbWhole;
    flag.nStWhole[i] = x.nStWhole;
    flag.nEbWhole[i] = x.nEbWhole;
    flag.nLbWhole[i] = x.nLbWhole;
    x.dirty = false;
  }
  return cols;
}

/** FLUSH_SQL's parameters. */
function flushValues({ cell, service, status, num: n, flag: f }: SlotColumns): Buffer[] {
  return [
    ...[cell, service].map(textArray),
    ...[n.ms, n.errorRate, n.p99Ms, n.cpu, n.rps].map(float8Array),
    textArray(status),
    float8Array(n.from),
    ...[n.mSt, f.mStWhole, n.mEb, f.mEbWhole, n.mLb, f.mLbWhole, n.nSt, f.nStWhole, n.nEb, f.nEbWhole, n.nLb, f.nLbWhole].map((c, i) =>
      i % 2 ? boolArray(c as boolean[]) : float8Array(c as (number | null)[]),
    ),
  ];
}

/** The pending state a flush held for its i-th slot (what a failed flush keeps). */
function heldState(cols: SlotColumns, i: number): PendingState {
  const p = new PendingSlot(cols.cell[i]!, cols.service[i]!);
  p.dirty = true;
  p.status = cols.status[i]!;
  for (const f of NUMBERS) p[f] = cols.num[f][i] ?? Number.NaN;
  for (const f of FLAGS) p[f] = cols.flag[f][i]!;
  return slotPending(p);
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
