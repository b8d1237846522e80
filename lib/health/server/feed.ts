// The heatmap's live feed on the server (see ../feed.ts for its shape): the current fleet, its ETag,
// and the answer to a tab that holds an older one — 304 when nothing changed, the changed rows when
// this process still remembers the tab's version, the whole feed otherwise.
import { createHash } from "node:crypto";
import type pg from "pg";
import { deltaJson, diffFeed, type EncodedFeed, encodeFeed, feedIdentity, feedJson, liteFeedJson } from "../feed";
import type { Thresholds } from "../thresholds";
import { loadFleetHealth } from "./store";

export interface FeedSnapshot {
  etag: string;
  encoded: EncodedFeed;
  /** The whole feed's JSON text (what GET /api/v1/fleet/feed sends), built on first use: a 304 or a delta never needs it. */
  readonly json: string;
}

/** Recent versions of the feed, by ETag, for deltas: a handful of refreshes back, per process. */
const REMEMBERED = 16;
const g = globalThis as unknown as { cellplaneFeeds?: Map<string, EncodedFeed> };
const remembered = () => (g.cellplaneFeeds ??= new Map());

/** The fleet's current feed (one query on current state, as loadFleetHealth). */
export async function currentFeed(pool: Pick<pg.Pool, "query">, t: Thresholds, now: Date): Promise<FeedSnapshot> {
  const encoded = encodeFeed(await loadFleetHealth(pool, t, now), "full");
  const hash = createHash("sha256");
  for (const part of feedIdentity(encoded)) hash.update(part).update("\n");
  const etag = `"f${hash.digest("base64url").slice(0, 22)}"`;
  const memory = remembered();
  memory.delete(etag);
  memory.set(etag, encoded);
  while (memory.size > REMEMBERED) memory.delete(memory.keys().next().value!);
  let json: string | undefined;
  return {
    etag,
    encoded,
    get json() {
      json ??= feedJson(encoded, etag);
      return json;
    },
  };
}

/**
 * The page's first paint: the lite feed (statuses and versions) as JSON. Its ETag is never a current
 * one, so the browser's first poll brings the whole feed.
 */
export async function currentLiteFeed(pool: Pick<pg.Pool, "query">, t: Thresholds, now: Date): Promise<string> {
  const encoded = encodeFeed(await loadFleetHealth(pool, t, now), "lite");
  return liteFeedJson(encoded, `"l${now.getTime().toString(36)}"`);
}

export type FeedAnswer = { status: 304; etag: string } | { status: 200; etag: string; json: string };

/**
 * What to send a tab: `ifNoneMatch` is the ETag it holds (304 when it is current), `since` the
 * version to send a delta from (the same ETag; a delta only when this process remembers it).
 */
export function answerFeed(current: FeedSnapshot, ifNoneMatch: string | null, since: string | null): FeedAnswer {
  const { etag } = current;
  if (ifNoneMatch?.split(",").some((t) => t.trim() === etag)) return { status: 304, etag };
  const before = since ? remembered().get(since) : undefined;
  const changed = since && before ? diffFeed(before, current.encoded) : null;
  if (since && changed) return { status: 200, etag, json: deltaJson(current.encoded, etag, since, changed) };
  return { status: 200, etag, json: current.json };
}
