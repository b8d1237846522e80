// The heatmap's live feed through its production route handler (app/api/v1/fleet/feed/route.ts)
// against a real PostgreSQL: ETag and 304 while nothing changes, a delta of exactly the changed
// cells that, applied, gives what a full fetch gives; tokens need fleet:read.
import { NextRequest } from "next/server";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audited } from "@/lib/audit/server/record";
import { closePools } from "@/lib/db/pools";
import { createToken } from "@/lib/auth/server/users";
import { seedDemo } from "@/lib/fleet/server/seed";
import { applyDelta, decodeFeed, type FleetFeed, type FleetFeedDelta } from "@/lib/health/feed";
import { ingestSamples } from "@/lib/health/server/store";
import { DEFAULT_THRESHOLDS } from "@/lib/health/thresholds";
import { freshDatabase, type TestDatabase } from "../support/db";

type Route = typeof import("@/app/api/v1/fleet/feed/route");

let t: TestDatabase;
let pool: pg.Pool;
let route: Route;
let token: string;
let wrongScope: string;
const env = { DATABASE_URL: process.env.DATABASE_URL };

const sample = (cell: string, service: string, o: Partial<{ errorRate: number; p99Ms: number }> = {}) => ({
  cell,
  service,
  ts: new Date(),
  errorRate: 0.0002,
  p99Ms: 120,
  cpu: 0.3,
  rps: 40,
  ...o,
});

beforeAll(async () => {
  t = await freshDatabase("fleet_feed");
  await seedDemo(t.prisma, "cellplane");
  pool = new pg.Pool({ connectionString: t.url, max: 2 });
  const cells = (await t.query<{ id: string }>("SELECT id FROM cells")).map((r) => r.id);
  await ingestSamples(
    pool,
    cells.flatMap((c) => ["sms", "voice", "video", "whatsapp", "email"].map((s) => sample(c, s))),
    DEFAULT_THRESHOLDS,
  );
  ({ token } = await audited(t.prisma, "test", (tx) => createToken(tx, { name: "grid", scopes: ["fleet:read"] }, "test")));
  ({ token: wrongScope } = await audited(t.prisma, "test", (tx) => createToken(tx, { name: "other", scopes: ["flags:read"] }, "test")));
  process.env.DATABASE_URL = t.url;
  route = await import("@/app/api/v1/fleet/feed/route");
});

afterAll(async () => {
  await closePools();
  process.env.DATABASE_URL = env.DATABASE_URL;
  await pool?.end();
  await t?.drop();
});

const get = (query = "", headers: Record<string, string> = {}) =>
  route.GET(
    new NextRequest(`http://cellplane.test/api/v1/fleet/feed${query}`, { headers: { Authorization: `Bearer ${token}`, ...headers } }),
    {
      params: Promise.resolve({}),
    },
  );

describe("GET /api/v1/fleet/feed", () => {
  it("needs a fleet:read token", async () => {
    expect((await get("", { Authorization: "Bearer cp_not-a-token" })).status).toBe(401);
    expect((await get("", { Authorization: `Bearer ${wrongScope}` })).status).toBe(403);
  });

  it("sends the whole fleet with an ETag, then 304 while nothing changes", async () => {
    const res = await get();
    expect(res.status).toBe(200);
    const feed = (await res.json()) as FleetFeed;
    expect(res.headers.get("etag")).toBe(feed.etag);
    expect(feed.rows).toHaveLength(16);
    expect(feed.services).toEqual(["sms", "voice", "video", "whatsapp", "email"]);
    expect(feed.rows.every((r) => r[3] === "ggggg")).toBe(true);
    const again = await get("", { "If-None-Match": feed.etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
  });

  it("after a change: a delta of exactly the changed cell, which applied gives what a full fetch gives", async () => {
    const before = (await (await get()).json()) as FleetFeed;
    await ingestSamples(pool, [sample("smb-eu-2", "voice", { errorRate: 0.087 })], DEFAULT_THRESHOLDS);
    const res = await get(`?since=${encodeURIComponent(before.etag)}`, { "If-None-Match": before.etag });
    expect(res.status).toBe(200);
    const delta = (await res.json()) as FleetFeedDelta;
    expect(delta.from).toBe(before.etag);
    expect(delta.etag).not.toBe(before.etag);
    expect(delta.changed.map(([i, row]) => [i, row[0], row[3]])).toEqual([
      [before.rows.findIndex((r) => r[0] === "smb-eu-2"), "smb-eu-2", "grggg"],
    ]);
    const full = (await (await get()).json()) as FleetFeed;
    expect(full.etag).toBe(delta.etag);
    expect(applyDelta(decodeFeed(before), delta).cells).toEqual(decodeFeed(full).cells);
    expect(delta.counts).toEqual({ green: 15, yellow: 0, red: 1, no_data: 0 });
  });

  it("a version this process does not remember gets the whole feed", async () => {
    const res = await get(`?since=${encodeURIComponent('"f-unknown"')}`);
    const body = (await res.json()) as FleetFeed;
    expect(body.rows).toHaveLength(16);
  });
});
