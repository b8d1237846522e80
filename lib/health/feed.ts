// The heatmap's live feed, compact and incremental. Pure.
//
// GET /api/v1/fleet/health sends every cell × service as an object with long keys, full-precision
// numbers and ISO times (1.26 MB for 1,000 cells). The feed sends what the global view shows:
//   - one row per cell: [id, tier, region, statuses, errorRate[], p99Ms[], cpu[], rps[], observed[],
//     desired[], since[], lastSample[], reasons[]], each list in the order of `services`;
//   - statuses as one character per service (g healthy, y degraded, r unhealthy, n no data, - none);
//   - numbers rounded to what the view prints, as whole numbers: error rate and CPU in units of
//     0.01 %, p99 in ms, rps; times as seconds before `generatedAt`; versions, tiers and regions as
//     indexes into lists;
//   - an ETag over everything but the time it was generated, so an unchanged fleet is a 304;
//   - deltas: given the ETag a tab holds, only the rows of cells that changed since.
import { type Status, worst } from "./classify";
import type { CellState, FleetHealth, ServiceState } from "./fleet-health";

export const FEED_VERSION = 1;

/**
 * [id, tier, region, statuses, errorRate, p99Ms, cpu, rps, observed, desired, since, lastSample, reasons]:
 * errorRate and cpu in units of 0.0001 (0.01 %), since and lastSample in seconds before generatedAt.
 */
export type FeedRow = [
  id: string,
  tier: number,
  region: number,
  statuses: string,
  errorRate: (number | null)[],
  p99Ms: (number | null)[],
  cpu: (number | null)[],
  rps: (number | null)[],
  observed: number[],
  desired: number[],
  since: (number | null)[],
  lastSample: (number | null)[],
  reasons: string[][],
];

export interface FeedDictionaries {
  tiers: string[];
  regions: string[];
  versions: string[];
}

interface FeedCommon {
  v: typeof FEED_VERSION;
  /** The feed's ETag: what a tab sends back (If-None-Match, `since`). */
  etag: string;
  generatedAt: string;
  services: string[];
  counts: Record<Status, number>;
  dict: FeedDictionaries;
}

/** The whole fleet. */
export interface FleetFeed extends FeedCommon {
  rows: FeedRow[];
}

/** What changed since the feed with ETag `from`: the rows to replace, by position (the cell list is the same). */
export interface FleetFeedDelta extends FeedCommon {
  from: string;
  size: number;
  changed: [index: number, row: FeedRow][];
}

const STATUS_CODE: Record<Status, string> = { green: "g", yellow: "y", red: "r", no_data: "n" };
const CODE_STATUS: Record<string, Status> = { g: "green", y: "yellow", r: "red", n: "no_data" };

const whole = (x: number | null) => (x === null ? null : Math.round(x));
/** A fraction in units of 0.0001 (what the view prints: 0.01 %). */
const bp = (x: number | null) => (x === null ? null : Math.round(x * 10_000));
const fromBp = (x: number | null) => (x === null ? null : x / 10_000);
const epochS = (iso: string | null) => (iso === null ? null : Math.floor(Date.parse(iso) / 1000));

function indexer(list: string[]) {
  const at = new Map(list.map((v, i) => [v, i]));
  return (v: string | null) => {
    if (v === null) return -1;
    let i = at.get(v);
    if (i === undefined) {
      i = list.length;
      list.push(v);
      at.set(v, i);
    }
    return i;
  };
}

/**
 * The feed's body for `health` (without its ETag), and one key per row that says what the row
 * means — its values with versions, tiers and regions spelt out, not as indexes, which move when
 * the lists change — for the ETag and for deltas.
 */
export function encodeFeed(health: FleetHealth): { feed: Omit<FleetFeed, "etag">; keys: string[] } {
  const dict: FeedDictionaries = { tiers: [], regions: [], versions: [] };
  const tier = indexer(dict.tiers),
    region = indexer(dict.regions),
    version = indexer(dict.versions);
  const slots = health.services;
  const keys: string[] = [];
  const base = epochS(health.generatedAt)!;
  const ago = (iso: string | null) => (iso === null ? null : base - epochS(iso)!);
  const rows = health.cells.map((c): FeedRow => {
    const by = new Map(c.services.map((s) => [s.service, s]));
    const at = slots.map((s) => by.get(s) ?? null);
    const pick = <T>(f: (s: ServiceState) => T, none: T) => at.map((s) => (s ? f(s) : none));
    const row: FeedRow = [
      c.id,
      tier(c.tier),
      region(c.region),
      at.map((s) => (s ? STATUS_CODE[s.status] : "-")).join(""),
      pick((s) => bp(s.errorRate), null),
      pick((s) => whole(s.p99Ms), null),
      pick((s) => bp(s.cpu), null),
      pick((s) => whole(s.rps), null),
      pick((s) => version(s.observedVersion), -1),
      pick((s) => version(s.desiredVersion), -1),
      pick((s) => ago(s.since), null),
      pick((s) => ago(s.lastSampleAt), null),
      pick((s) => s.reasons, []),
    ];
    const named = row.slice() as unknown[];
    named[1] = c.tier;
    named[2] = c.region;
    named[8] = pick((s) => s.observedVersion, null);
    named[9] = pick((s) => s.desiredVersion, null);
    named[10] = pick((s) => epochS(s.since), null);
    named[11] = pick((s) => epochS(s.lastSampleAt), null);
    keys.push(JSON.stringify(named));
    return row;
  });
  return { feed: { v: FEED_VERSION, generatedAt: health.generatedAt, services: slots, counts: health.counts, dict, rows }, keys };
}

/** One cell of the feed as the view's CellState. */
export function decodeRow(row: FeedRow, services: string[], dict: FeedDictionaries, generatedAt: string): CellState {
  const [id, tier, region, statuses, e, p, u, r, ov, dv, since, last, reasons] = row;
  const base = epochS(generatedAt)!;
  const at = (ago: number | null) => (ago === null ? null : new Date((base - ago) * 1000).toISOString());
  const out: ServiceState[] = [];
  for (let i = 0; i < services.length; i++) {
    const code = statuses[i];
    if (code === "-" || code === undefined) continue;
    const status = CODE_STATUS[code] ?? "no_data";
    out.push({
      service: services[i]!,
      status,
      reasons: reasons[i] ?? [],
      since: at(since[i] ?? null),
      lastSampleAt: at(last[i] ?? null),
      errorRate: fromBp(e[i] ?? null),
      p99Ms: p[i] ?? null,
      cpu: fromBp(u[i] ?? null),
      rps: r[i] ?? null,
      observedVersion: dict.versions[ov[i] ?? -1] ?? null,
      desiredVersion: dict.versions[dv[i] ?? -1] ?? null,
    });
  }
  return { id, tier: dict.tiers[tier] ?? "", region: dict.regions[region] ?? "", status: worst(out.map((s) => s.status)), services: out };
}

/** The whole feed as the view's FleetHealth. */
export function decodeFeed(feed: Omit<FleetFeed, "etag">): FleetHealth {
  return {
    generatedAt: feed.generatedAt,
    services: feed.services,
    counts: feed.counts,
    cells: feed.rows.map((r) => decodeRow(r, feed.services, feed.dict, feed.generatedAt)),
  };
}

/**
 * The positions whose row key differs between two feeds, or null when a delta cannot say it: a
 * different list of cells or of services (a full feed is sent instead).
 */
export function diffFeed(
  prev: { keys: string[]; ids: string[]; services: string[] },
  next: { keys: string[]; ids: string[]; services: string[] },
): number[] | null {
  if (prev.ids.length !== next.ids.length || prev.services.join() !== next.services.join()) return null;
  const changed: number[] = [];
  for (let i = 0; i < next.ids.length; i++) {
    if (prev.ids[i] !== next.ids[i]) return null;
    if (prev.keys[i] !== next.keys[i]) changed.push(i);
  }
  return changed;
}

/**
 * A tab's fleet after a delta: changed cells decoded from the delta, every other cell the very
 * object it had before (so components memoised per cell skip it).
 */
export function applyDelta(prev: FleetHealth, delta: FleetFeedDelta): FleetHealth {
  if (delta.size !== prev.cells.length) throw new Error(`a delta for ${delta.size} cells cannot apply to ${prev.cells.length}`);
  const cells = prev.cells.slice();
  for (const [i, row] of delta.changed) cells[i] = decodeRow(row, delta.services, delta.dict, delta.generatedAt);
  return { generatedAt: delta.generatedAt, services: delta.services, counts: delta.counts, cells };
}
