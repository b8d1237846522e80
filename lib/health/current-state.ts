// From a batch of samples, the new current state per cell × service. Pure.
import { readingStatus, type Status } from "./classify";
import type { Sample } from "./telemetry";
import type { Thresholds } from "./thresholds";

/** A cell × service as one string (a Map key). */
export const pairKey = (cell: string, service: string) => `${cell}\u0000${service}`;

export interface PairUpdate {
  cell: string;
  service: string;
  /** pairKey(cell, service) */
  key: string;
  last: Sample;
  status: Exclude<Status, "no_data">;
  /** Start of the trailing run of samples with this status within the batch. */
  statusRunStart: Date;
  /** The trailing run covers every sample of this pair in the batch (so it may continue a stored run). */
  statusRunWhole: boolean;
  errorBreachStart: Date | null;
  errorBreachWhole: boolean;
  latencyBreachStart: Date | null;
  latencyBreachWhole: boolean;
  /** The latest reported version in the batch, if any. */
  version?: { value: string; ts: Date };
  /** The latest reported API versions in the batch, if any, and the version of the sample that reported them. */
  apiVersions?: { values: string[]; ts: Date; reportedBy: string | null };
}

function trailingRun<T>(items: T[], pred: (x: T) => boolean): { start: T | null; whole: boolean } {
  let i = items.length - 1;
  if (i < 0 || !pred(items[i]!)) return { start: null, whole: false };
  while (i > 0 && pred(items[i - 1]!)) i--;
  return { start: items[i]!, whole: i === 0 };
}

/** `values` sorted without repeats (the same array when it already is). */
function sortedUnique(values: string[]): string[] {
  for (let i = 1; i < values.length; i++) if (!(values[i - 1]! < values[i]!)) return [...new Set(values)].sort();
  return values;
}

/** By (cell, service): the lock order of statements that write several pairs' rows. */
export const byPair = (a: { cell: string; service: string }, b: { cell: string; service: string }) =>
  a.cell < b.cell ? -1 : a.cell > b.cell ? 1 : a.service < b.service ? -1 : a.service > b.service ? 1 : 0;

/**
 * Group by pair, order by time, and derive the state updates. Sorted by (cell, service) for a
 * stable lock order; with `order: "batch"`, in the order the pairs first appear in the batch (for a
 * caller that sorts only the few it writes in one statement).
 */
export function pairUpdates(samples: Sample[], t: Thresholds, order: "pair" | "batch" = "pair"): PairUpdate[] {
  // The usual batch: every pair reports once. One pass, without grouping the samples in lists.
  const seen = new Set<string>();
  const out: PairUpdate[] = [];
  for (const s of samples) {
    const key = pairKey(s.cell, s.service);
    seen.add(key);
    if (seen.size === out.length) return groupedUpdates(samples, t, order); // the key was there already
    out.push(singleUpdate(s, key, t));
  }
  return order === "pair" ? out.sort(byPair) : out;
}

/** A pair's update from its one sample in the batch: the same result as the run scans give. */
function singleUpdate(s: Sample, key: string, t: Thresholds): PairUpdate {
  const err = s.errorRate >= t.red.errorRate,
    lat = s.p99Ms >= t.red.p99Ms;
  return {
    cell: s.cell,
    service: s.service,
    key,
    last: s,
    status: readingStatus(s, t),
    statusRunStart: s.ts,
    statusRunWhole: true,
    errorBreachStart: err ? s.ts : null,
    errorBreachWhole: err,
    latencyBreachStart: lat ? s.ts : null,
    latencyBreachWhole: lat,
    version: s.version ? { value: s.version, ts: s.ts } : undefined,
    apiVersions: s.apiVersions ? { values: sortedUnique(s.apiVersions), ts: s.ts, reportedBy: s.version ?? null } : undefined,
  };
}

/** pairUpdates for a batch in which some pair reports more than once. */
function groupedUpdates(samples: Sample[], t: Thresholds, order: "pair" | "batch"): PairUpdate[] {
  const grouped = new Map<string, Sample[]>();
  for (const s of samples) {
    const k = pairKey(s.cell, s.service);
    const list = grouped.get(k);
    if (list) list.push(s);
    else grouped.set(k, [s]);
  }
  const out: PairUpdate[] = [];
  for (const [key, list] of grouped) {
    if (list.length === 1) {
      out.push(singleUpdate(list[0]!, key, t));
      continue;
    }
    list.sort((a, b) => a.ts.getTime() - b.ts.getTime());
    const last = list[list.length - 1]!;
    const statuses = list.map((s) => readingStatus(s, t));
    const status = statuses[statuses.length - 1]!;
    const idx = list.map((_, i) => i);
    const sRun = trailingRun(idx, (i) => statuses[i] === status);
    const eRun = trailingRun(list, (s) => s.errorRate >= t.red.errorRate);
    const lRun = trailingRun(list, (s) => s.p99Ms >= t.red.p99Ms);
    const withVersion = list.filter((s) => s.version);
    const withApi = list.filter((s) => s.apiVersions);
    out.push({
      cell: last.cell,
      service: last.service,
      key,
      last,
      status,
      statusRunStart: list[sRun.start!]!.ts,
      statusRunWhole: sRun.whole,
      errorBreachStart: eRun.start?.ts ?? null,
      errorBreachWhole: eRun.whole,
      latencyBreachStart: lRun.start?.ts ?? null,
      latencyBreachWhole: lRun.whole,
      version: withVersion.length
        ? { value: withVersion[withVersion.length - 1]!.version!, ts: withVersion[withVersion.length - 1]!.ts }
        : undefined,
      apiVersions: withApi.length
        ? {
            values: sortedUnique(withApi[withApi.length - 1]!.apiVersions!),
            ts: withApi[withApi.length - 1]!.ts,
            reportedBy: withApi[withApi.length - 1]!.version ?? null,
          }
        : undefined,
    });
  }
  return order === "pair" ? out.sort(byPair) : out;
}

/**
 * Two updates of one pair as one: what writing `older` and then `newer` to the stored row gives,
 * written at once (the current state held in memory between flushes, see
 * server/state-buffer.ts). A reading not newer than `pending`'s is dropped, as the stored row
 * drops it (`last_sample_at < reading`). Runs that span both continue from `pending`'s start
 * (and, when `pending`'s run was whole, from the stored row's).
 */
export function mergePairUpdates(pending: PairUpdate, next: PairUpdate): PairUpdate {
  if (next.last.ts.getTime() <= pending.last.ts.getTime()) return pending;
  // Written out field by field, without closures or spread: the state buffer merges every pair of
  // every telemetry batch here.
  const statusCont = next.statusRunWhole && pending.status === next.status;
  // A breach run spanning both: `next`'s whole run continues `pending`'s (and its wholeness).
  const errCont = next.errorBreachStart !== null && next.errorBreachWhole && pending.errorBreachStart !== null;
  const latCont = next.latencyBreachStart !== null && next.latencyBreachWhole && pending.latencyBreachStart !== null;
  return {
    cell: next.cell,
    service: next.service,
    key: next.key,
    last: next.last,
    status: next.status,
    statusRunStart: statusCont ? pending.statusRunStart : next.statusRunStart,
    statusRunWhole: statusCont ? pending.statusRunWhole : false,
    errorBreachStart: errCont ? pending.errorBreachStart : next.errorBreachStart,
    errorBreachWhole: errCont ? pending.errorBreachWhole : false,
    latencyBreachStart: latCont ? pending.latencyBreachStart : next.latencyBreachStart,
    latencyBreachWhole: latCont ? pending.latencyBreachWhole : false,
    version: next.version,
    apiVersions: next.apiVersions,
  };
}

/**
 * A pair's updates held between flushes: all of them merged, the newest alone, and the time of
 * the oldest reading merged. Written to a stored row older than `from`, `merged` gives what writing
 * each in turn would; to a row some other writer made newer than that meanwhile, `newest` is
 * written instead (exact when two updates were merged, and never a run begun before that row).
 */
export interface PendingState {
  merged: PairUpdate;
  newest: PairUpdate;
  from: number;
}

/**
 * A pending state taking one more update: the reference the state buffer's in-place form
 * (PendingSlot, addToSlot) is held to by its tests.
 */
export function addPending(p: PendingState | undefined, u: PairUpdate): PendingState {
  if (!p) return { merged: u, newest: u, from: u.last.ts.getTime() };
  const merged = mergePairUpdates(p.merged, u);
  return merged === p.merged ? p : { merged, newest: u, from: p.from };
}

/**
 * A pair's pending state held in place: the state buffer's form of a PendingState
 * (server/state-buffer.ts). Numbers and flags, not objects: merging a batch's update into it
 * allocates nothing, so a buffer holding thousands of pairs between flushes keeps no young objects
 * alive (that made every scavenge copy and promote them). Times are epoch milliseconds; a breach
 * that is absent is NaN. `m…` are the merged update's runs, `n…` the newest update's, as in
 * PendingState; the reading and status are the newest's.
 */
export class PendingSlot {
  /** Holds an update not yet written. */
  dirty = false;
  /** Flushes since it last took an update (the buffer forgets long-idle slots). */
  idle = 0;
  ms = Number.NaN;
  errorRate = Number.NaN;
  p99Ms = Number.NaN;
  cpu = Number.NaN;
  rps = Number.NaN;
  status: PairUpdate["status"] = "green";
  from = Number.NaN;
  mSt = Number.NaN;
  mStWhole = false;
  mEb = Number.NaN;
  mEbWhole = false;
  mLb = Number.NaN;
  mLbWhole = false;
  nSt = Number.NaN;
  nStWhole = false;
  nEb = Number.NaN;
  nEbWhole = false;
  nLb = Number.NaN;
  nLbWhole = false;
  constructor(
    readonly cell: string,
    readonly service: string,
  ) {}
}

const msOrNaN = (d: Date | null) => (d ? d.getTime() : Number.NaN);
const dateOrNull = (ms: number) => (Number.isNaN(ms) ? null : new Date(ms));

/**
 * addPending in place: a clean slot takes `u` as its pending state, a dirty one merges it
 * (mergePairUpdates). The slot then holds what addPending would return (a test holds the two
 * together over every split of mixed batches).
 */
export function addToSlot(slot: PendingSlot, u: PairUpdate): void {
  const ms = u.last.ts.getTime();
  const st = u.statusRunStart.getTime(),
    eb = msOrNaN(u.errorBreachStart),
    lb = msOrNaN(u.latencyBreachStart);
  if (!slot.dirty) {
    slot.dirty = true;
    slot.from = ms;
    slot.mSt = st;
    slot.mStWhole = u.statusRunWhole;
    slot.mEb = eb;
    slot.mEbWhole = u.errorBreachWhole;
    slot.mLb = lb;
    slot.mLbWhole = u.latencyBreachWhole;
  } else {
    if (ms <= slot.ms) return; // not newer than what is pending: dropped, as the stored row would drop it
    // Runs spanning both continue the pending one's start (and wholeness); others start with `u`.
    if (!(u.statusRunWhole && slot.status === u.status)) {
      slot.mSt = st;
      slot.mStWhole = false;
    }
    if (!(!Number.isNaN(eb) && u.errorBreachWhole && !Number.isNaN(slot.mEb))) {
      slot.mEb = eb;
      slot.mEbWhole = false;
    }
    if (!(!Number.isNaN(lb) && u.latencyBreachWhole && !Number.isNaN(slot.mLb))) {
      slot.mLb = lb;
      slot.mLbWhole = false;
    }
  }
  slot.ms = ms;
  slot.errorRate = u.last.errorRate;
  slot.p99Ms = u.last.p99Ms;
  slot.cpu = u.last.cpu;
  slot.rps = u.last.rps;
  slot.status = u.status;
  slot.nSt = st;
  slot.nStWhole = u.statusRunWhole;
  slot.nEb = eb;
  slot.nEbWhole = u.errorBreachWhole;
  slot.nLb = lb;
  slot.nLbWhole = u.latencyBreachWhole;
}

/** A dirty slot as a PendingState (what a flush that failed keeps, merged with later ones by addPending's rules). */
export function slotPending(slot: PendingSlot): PendingState {
  const last: Sample = {
    cell: slot.cell,
    service: slot.service,
    ts: new Date(slot.ms),
    errorRate: slot.errorRate,
    p99Ms: slot.p99Ms,
    cpu: slot.cpu,
    rps: slot.rps,
  };
  const update = (st: number, stWhole: boolean, eb: number, ebWhole: boolean, lb: number, lbWhole: boolean): PairUpdate => ({
    cell: slot.cell,
    service: slot.service,
    key: pairKey(slot.cell, slot.service),
    last,
    status: slot.status,
    statusRunStart: new Date(st),
    statusRunWhole: stWhole,
    errorBreachStart: dateOrNull(eb),
    errorBreachWhole: ebWhole,
    latencyBreachStart: dateOrNull(lb),
    latencyBreachWhole: lbWhole,
  });
  return {
    merged: update(slot.mSt, slot.mStWhole, slot.mEb, slot.mEbWhole, slot.mLb, slot.mLbWhole),
    newest: update(slot.nSt, slot.nStWhole, slot.nEb, slot.nEbWhole, slot.nLb, slot.nLbWhole),
    from: slot.from,
  };
}

/** Put a PendingState into a slot (dirty): the inverse of slotPending. */
export function setSlot(slot: PendingSlot, p: PendingState): void {
  slot.dirty = false;
  addToSlot(slot, p.newest);
  const m = p.merged;
  slot.from = p.from;
  slot.mSt = m.statusRunStart.getTime();
  slot.mStWhole = m.statusRunWhole;
  slot.mEb = msOrNaN(m.errorBreachStart);
  slot.mEbWhole = m.errorBreachWhole;
  slot.mLb = msOrNaN(m.latencyBreachStart);
  slot.mLbWhole = m.latencyBreachWhole;
}
