// The heatmap's live feed, compact and incremental. Pure.
//
// GET /api/v1/fleet/health sends every cell × service as an object with long keys, full-precision
// numbers and ISO times (1.26 MB for 1,000 cells). The feed sends what the global view shows:
//   - one row per cell: [id, tier, region, statuses, errorRate[], p99Ms[], cpu[], rps[], observed[],
//     desired[], since[], lastSample[], reasons[]], each list in the order of `services`;
//   - statuses as one character per service (g healthy, y degraded, r unhealthy, n no data, - none);
//   - numbers rounded to what the view prints, as whole numbers: error rate and CPU in units of
//     0.01 %, p99 in ms, rps; times in seconds from `t0` (the start of the current hour, so a row's
//     text stays the same while its cell does); versions, tiers and regions as indexes into `dict`;
//   - an ETag over everything but the time it was generated, so an unchanged fleet is a 304;
//   - deltas: given the ETag a tab holds, only the rows of cells that changed since (when the cells,
//     services, `dict` and `t0` are the same; otherwise the whole feed).
// Each row's JSON text is built once: it is the row's part of the body and its identity for the
// ETag and for deltas.
import { isoMs } from "@/lib/format";
import { type Status, worst } from "./classify";
import type { CellState, FleetHealth, ServiceState } from "./fleet-health";

export const FEED_VERSION = 1;

/**
 * [id, tier, region, statuses, errorRate, p99Ms, cpu, rps, observed, desired, since, lastSample, reasons]:
 * errorRate and cpu in units of 0.0001 (0.01 %), since and lastSample in seconds from t0.
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
  /** Epoch seconds the rows' times count from. */
  t0: number;
  services: string[];
  counts: Record<Status, number>;
  dict: FeedDictionaries;
}

/** The whole fleet. */
export interface FleetFeed extends FeedCommon {
  rows: FeedRow[];
  /**
   * Set on the page's first paint only: rows hold statuses and versions, their values, times and
   * reasons are empty lists; the browser asks the feed for the rest right after.
   */
  lite?: true;
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
const epochS = (iso: string | null) => (iso === null ? null : Math.floor(isoMs(iso) / 1000));

/** A sorted list of the distinct values, and each value's index in it (-1 for null). */
function indexer(values: Iterable<string | null>): { list: string[]; index: (v: string | null) => number } {
  const list = [...new Set(values)].filter((v): v is string => v !== null).sort();
  const at = new Map(list.map((v, i) => [v, i]));
  return { list, index: (v) => (v === null ? -1 : at.get(v)!) };
}

/** A feed before its ETag: everything but the rows, and each row's JSON text (whole and/or lite, as encoded). */
export interface EncodedFeed {
  head: Omit<FleetFeed, "etag" | "rows" | "lite">;
  ids: string[];
  rows: string[];
  lite: string[];
}

/** The feed of `health`: its whole rows (`full`: the live feed), its lite rows (`lite`: the page's first paint), or both. */
export function encodeFeed(health: FleetHealth, parts: "full" | "lite" | "both" = "both"): EncodedFeed {
  // Sorted lists: the indexes depend only on which values the fleet has, not on which cell has them first.
  const tiers = indexer(health.cells.map((c) => c.tier));
  const regions = indexer(health.cells.map((c) => c.region));
  const versions = indexer(health.cells.flatMap((c) => c.services.flatMap((s) => [s.observedVersion, s.desiredVersion])));
  const dict: FeedDictionaries = { tiers: tiers.list, regions: regions.list, versions: versions.list };
  const tier = tiers.index,
    region = regions.index,
    version = versions.index;
  const slots = health.services;
  const t0 = Math.floor(Date.parse(health.generatedAt) / 3_600_000) * 3_600;
  const rel = (iso: string | null) => (iso === null ? null : epochS(iso)! - t0);
  const ids: string[] = [];
  const lite: string[] = [];
  const n = slots.length;
  const rows = health.cells.map((c) => {
    // One pass over the cell's services in the order of `slots`: the row's lists, without a
    // closure per list and service (the feed encodes 5,000 of them every few seconds).
    const at: (ServiceState | null)[] =
      c.services.length === n && c.services.every((s, i) => s.service === slots[i])
        ? c.services
        : slots.map((x) => c.services.find((s) => s.service === x) ?? null);
    ids.push(c.id);
    let statuses = "";
    // Lists grown by push, not pre-sized: JSON.stringify takes its fast path only on packed arrays.
    const observed: number[] = [],
      desired: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = at[i];
      statuses += s ? STATUS_CODE[s.status] : "-";
      observed.push(s ? version(s.observedVersion) : -1);
      desired.push(s ? version(s.desiredVersion) : -1);
    }
    const tierIndex = tier(c.tier),
      regionIndex = region(c.region);
    if (parts !== "full")
      lite.push(JSON.stringify([c.id, tierIndex, regionIndex, statuses, [], [], [], [], observed, desired, [], [], []]));
    if (parts === "lite") return "";
    const errorRate: (number | null)[] = [],
      p99: (number | null)[] = [],
      cpu: (number | null)[] = [],
      rps: (number | null)[] = [],
      since: (number | null)[] = [],
      last: (number | null)[] = [],
      reasons: string[][] = [];
    for (let i = 0; i < n; i++) {
      const s = at[i];
      errorRate.push(s ? bp(s.errorRate) : null);
      p99.push(s ? whole(s.p99Ms) : null);
      cpu.push(s ? bp(s.cpu) : null);
      rps.push(s ? whole(s.rps) : null);
      since.push(s ? rel(s.since) : null);
      last.push(s ? rel(s.lastSampleAt) : null);
      reasons.push(s ? s.reasons : []);
    }
    const row: FeedRow = [c.id, tierIndex, regionIndex, statuses, errorRate, p99, cpu, rps, observed, desired, since, last, reasons];
    return JSON.stringify(row);
  });
  return { head: { v: FEED_VERSION, generatedAt: health.generatedAt, t0, services: slots, counts: health.counts, dict }, ids, rows, lite };
}

/** What an ETag covers: everything but generatedAt. */
export function feedIdentity(e: EncodedFeed): string[] {
  const { generatedAt: _, ...rest } = e.head;
  return [JSON.stringify(rest), ...e.rows];
}

/** The whole feed's JSON text. */
export function feedJson(e: EncodedFeed, etag: string): string {
  return `${JSON.stringify({ ...e.head, etag }).slice(0, -1)},"rows":[${e.rows.join(",")}]}`;
}

/** The page's first paint: statuses and versions only (see FleetFeed.lite). */
export function liteFeedJson(e: EncodedFeed, etag: string): string {
  return `${JSON.stringify({ ...e.head, etag, lite: true }).slice(0, -1)},"rows":[${e.lite.join(",")}]}`;
}

/** A delta's JSON text: the rows at `changed`, to apply to the feed with ETag `from`. */
export function deltaJson(e: EncodedFeed, etag: string, from: string, changed: number[]): string {
  const parts = changed.map((i) => `[${i},${e.rows[i]}]`);
  return `${JSON.stringify({ ...e.head, etag, from, size: e.rows.length }).slice(0, -1)},"changed":[${parts.join(",")}]}`;
}

/** One cell of the feed as the view's CellState. */
export function decodeRow(row: FeedRow, services: string[], dict: FeedDictionaries, t0: number): CellState {
  const [id, tier, region, statuses, e, p, u, r, ov, dv, since, last, reasons] = row;
  const at = (s: number | null) => (s === null ? null : new Date((t0 + s) * 1000).toISOString());
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
    cells: feed.rows.map((r) => decodeRow(r, feed.services, feed.dict, feed.t0)),
  };
}

/**
 * The positions whose row differs between two feeds, or null when a delta cannot say it: other
 * cells, services, `dict` or `t0` (row indexes and times would mean something else; the whole feed
 * is sent instead).
 */
export function diffFeed(prev: EncodedFeed, next: EncodedFeed): number[] | null {
  const same = (a: EncodedFeed["head"], b: EncodedFeed["head"]) =>
    a.t0 === b.t0 && JSON.stringify([a.services, a.dict]) === JSON.stringify([b.services, b.dict]);
  if (prev.ids.length !== next.ids.length || !same(prev.head, next.head)) return null;
  const changed: number[] = [];
  for (let i = 0; i < next.ids.length; i++) {
    if (prev.ids[i] !== next.ids[i]) return null;
    if (prev.rows[i] !== next.rows[i]) changed.push(i);
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
  for (const [i, row] of delta.changed) cells[i] = decodeRow(row, delta.services, delta.dict, delta.t0);
  return { generatedAt: delta.generatedAt, services: delta.services, counts: delta.counts, cells };
}
