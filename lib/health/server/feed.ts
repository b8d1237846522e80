// The heatmap's live feed on the server (see ../feed.ts for its shape): the current fleet, its ETag,
// and the answer to a tab that holds an older one — 304 when nothing changed, the changed rows when
// this process still remembers the tab's version, the whole feed otherwise.
import { createHash } from "node:crypto";
import type pg from "pg";
import { diffFeed, encodeFeed, type FleetFeed, type FleetFeedDelta } from "../feed";
import type { Thresholds } from "../thresholds";
import { loadFleetHealth } from "./store";

export interface FeedSnapshot {
  feed: FleetFeed;
  ids: string[];
  keys: string[];
}

/** Recent versions of the feed, by ETag, for deltas: a handful of refreshes back, per process. */
const REMEMBERED = 16;
type Remembered = { ids: string[]; keys: string[]; services: string[] };
const g = globalThis as unknown as { cellplaneFeeds?: Map<string, Remembered> };
const remembered = () => (g.cellplaneFeeds ??= new Map());

/** The fleet's current feed (one query on current state, as loadFleetHealth). */
export async function currentFeed(pool: Pick<pg.Pool, "query">, t: Thresholds, now: Date): Promise<FeedSnapshot> {
  const health = await loadFleetHealth(pool, t, now);
  const { feed, keys } = encodeFeed(health);
  const hash = createHash("sha256");
  hash.update(JSON.stringify([feed.services, feed.counts]));
  for (const k of keys) hash.update(k).update("\n");
  const etag = `"f${hash.digest("base64url").slice(0, 22)}"`;
  const ids = health.cells.map((c) => c.id);
  const memory = remembered();
  memory.delete(etag);
  memory.set(etag, { ids, keys, services: feed.services });
  while (memory.size > REMEMBERED) memory.delete(memory.keys().next().value!);
  return { feed: { ...feed, etag }, ids, keys };
}

export type FeedAnswer = { status: 304; etag: string } | { status: 200; etag: string; body: FleetFeed | FleetFeedDelta };

/**
 * What to send a tab: `ifNoneMatch` is the ETag it holds (304 when it is current), `since` the
 * version to send a delta from (the same ETag; a delta only when this process remembers it).
 */
export function answerFeed(current: FeedSnapshot, ifNoneMatch: string | null, since: string | null): FeedAnswer {
  const etag = current.feed.etag;
  if (ifNoneMatch?.split(",").some((t) => t.trim() === etag)) return { status: 304, etag };
  const before = since ? remembered().get(since) : undefined;
  if (since && before) {
    const changed = diffFeed(before, { ids: current.ids, keys: current.keys, services: current.feed.services });
    if (changed) {
      const { rows, ...common } = current.feed;
      const delta: FleetFeedDelta = { ...common, from: since, size: rows.length, changed: changed.map((i) => [i, rows[i]!]) };
      return { status: 200, etag, body: delta };
    }
  }
  return { status: 200, etag, body: current.feed };
}
