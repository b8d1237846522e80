// From a batch of samples, the new current state per cell × service. Pure.
import { classifyReading, type Status } from "./classify";
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

/** Group by pair, order by time, and derive the state updates. Sorted by (cell, service) for a stable lock order. */
export function pairUpdates(samples: Sample[], t: Thresholds): PairUpdate[] {
  const byPair = new Map<string, Sample[]>();
  for (const s of samples) {
    const k = pairKey(s.cell, s.service);
    const list = byPair.get(k);
    if (list) list.push(s);
    else byPair.set(k, [s]);
  }
  const out: PairUpdate[] = [];
  for (const [key, list] of byPair) {
    if (list.length === 1) {
      // The usual case (every pair reports once per batch): the same result without the run scans.
      const s = list[0]!;
      const err = s.errorRate >= t.red.errorRate,
        lat = s.p99Ms >= t.red.p99Ms;
      out.push({
        cell: s.cell,
        service: s.service,
        key,
        last: s,
        status: classifyReading(s, t).status as Exclude<Status, "no_data">,
        statusRunStart: s.ts,
        statusRunWhole: true,
        errorBreachStart: err ? s.ts : null,
        errorBreachWhole: err,
        latencyBreachStart: lat ? s.ts : null,
        latencyBreachWhole: lat,
        version: s.version ? { value: s.version, ts: s.ts } : undefined,
        apiVersions: s.apiVersions ? { values: sortedUnique(s.apiVersions), ts: s.ts, reportedBy: s.version ?? null } : undefined,
      });
      continue;
    }
    list.sort((a, b) => a.ts.getTime() - b.ts.getTime());
    const last = list[list.length - 1]!;
    const statuses = list.map((s) => classifyReading(s, t).status as Exclude<Status, "no_data">);
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
  return out.sort((a, b) => (a.cell < b.cell ? -1 : a.cell > b.cell ? 1 : a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
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

export function addPending(p: PendingState | undefined, u: PairUpdate): PendingState {
  if (!p) return { merged: u, newest: u, from: u.last.ts.getTime() };
  const merged = mergePairUpdates(p.merged, u);
  return merged === p.merged ? p : { merged, newest: u, from: p.from };
}
