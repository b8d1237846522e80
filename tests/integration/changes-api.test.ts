// GET /api/v1/changes over real HTTP (the Next route handler, served on a loopback port) against a
// real PostgreSQL: scopes, every filter, keyset pagination, specific 400s — and the statements it
// runs use the change log's indexes (no sequential scan, no audit or sample rows read).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audited } from "@/lib/audit/server/record";
import { createToken } from "@/lib/auth/server/users";
import { type ChangeFilter, CHANGE_KINDS, type ChangeInput } from "@/lib/changes/model";
import { changesSql, NO_FILTER, resolveCells } from "@/lib/changes/server/read";
import { insertChanges } from "@/lib/changes/server/store";
import { seedDemo } from "@/lib/fleet/server/seed";
import { freshDatabase, type TestDatabase } from "../support/db";
import { type RouteHandler, startRouteServer } from "../support/route-server";

let t: TestDatabase;
let srv: Awaited<ReturnType<typeof startRouteServer>>;
let closeApp = async () => {};
let fleetToken: string, otherToken: string;
const NOW = Date.now();
const HOUR = 3_600_000;

interface View {
  id: string;
  at: string;
  kind: string;
  cells: string[];
  fleetWide: boolean;
  services: string[];
  actor: string;
  summary: string;
  source: string;
}

/** 400 changes over the last 5 hours: every kind, cells of every tier, some for every cell. */
function fixture(cells: { id: string; tier: string }[]): ChangeInput[] {
  return Array.from({ length: 400 }, (_, i) => {
    const kind = CHANGE_KINDS[i % CHANGE_KINDS.length]!;
    const fleetWide = i % 10 === 0;
    return {
      // four changes at each instant (a deploy to a wave is one instant on several cells): ids break ties
      at: new Date(NOW - Math.floor(i / 4) * 3 * 60_000),
      kind,
      cell: fleetWide ? null : cells[i % cells.length]!.id,
      services: i % 3 === 0 ? [] : [["sms", "voice", "email"][i % 3 === 1 ? 0 : 1]!],
      summary: `change ${i}`,
      actor: i % 4 === 0 ? "release@cellplane.local" : "system:ticker",
      link: null,
      source: `test:${i}`,
    };
  });
}

beforeAll(async () => {
  t = await freshDatabase("changes_api");
  await seedDemo(t.prisma, "cellplane");
  await t.query(`DELETE FROM change_events`); // the seed's own changes: keep the fixture exact
  const cells = await t.prisma.cell.findMany({ where: { status: "active" }, orderBy: { id: "asc" } });
  await insertChanges(t.prisma, fixture(cells));
  ({ token: fleetToken } = await audited(t.prisma, "test", (tx) => createToken(tx, { name: "bot", scopes: ["fleet:read"] }, "test")));
  ({ token: otherToken } = await audited(t.prisma, "test", (tx) =>
    createToken(tx, { name: "agent", scopes: ["telemetry:write"] }, "test"),
  ));
  // The route handler finds its database the way the app server does.
  process.env.DATABASE_URL = t.url;
  const [{ GET }, dbModule] = await Promise.all([import("@/app/api/v1/changes/route"), import("@/lib/db")]);
  srv = await startRouteServer([{ method: "GET", pattern: /^\/api\/v1\/changes$/, keys: [], handler: GET as unknown as RouteHandler }]);
  closeApp = async () => {
    await dbModule.db().$disconnect();
    await dbModule.pool().end();
  };
});
afterAll(async () => {
  await srv?.close();
  await closeApp();
  await t?.drop();
});

const get = (qs: string, token: string | null = fleetToken) =>
  fetch(`${srv.baseUrl}/api/v1/changes${qs ? `?${qs}` : ""}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
const page = async (qs: string): Promise<{ changes: View[]; nextCursor: string | null }> => {
  const r = await get(qs);
  expect(r.status, await r.clone().text()).toBe(200);
  return r.json();
};
/** Every change a filter matches, following the cursor. */
async function all(qs: string, limit = 37): Promise<View[]> {
  const out: View[] = [];
  let cursor: string | null = null;
  do {
    const p = await page(`${qs}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(p.changes.length).toBeLessThanOrEqual(limit);
    out.push(...p.changes);
    cursor = p.nextCursor;
  } while (cursor);
  return out;
}

describe("GET /api/v1/changes: scopes", () => {
  // (No token at all falls back to the browser session, which needs Next's request scope: the e2e
  // journey checks that a request with neither is a 401.)
  it("401 with an unknown token, 403 with another scope, 200 with fleet:read", async () => {
    const other = await get("", otherToken);
    expect(other.status).toBe(403);
    expect((await other.json()).error.code).toBe("FORBIDDEN");
    const unknown = await get("", "cp_not_a_token");
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get("www-authenticate")).toBe('Bearer scope="fleet:read"');
    const ok = await page("");
    expect(ok.changes).toHaveLength(100); // the default page
    expect(ok.changes[0]).toMatchObject({
      id: expect.any(String),
      at: expect.any(String),
      kind: expect.any(String),
      source: expect.any(String),
    });
  });
});

describe("GET /api/v1/changes: filters", () => {
  it("cell: the cell's own changes and those to every cell", async () => {
    const rows = await all("cell=smb-us-1");
    expect(rows.length).toBeGreaterThan(40);
    expect(rows.every((r) => (r.fleetWide && r.cells.length === 0) || r.cells.join() === "smb-us-1")).toBe(true);
    expect(rows.some((r) => r.fleetWide)).toBe(true);
    expect(rows.some((r) => !r.fleetWide)).toBe(true);
  });

  it("service: changes naming it, and those naming none (every service)", async () => {
    const rows = await all("service=sms");
    expect(rows.every((r) => r.services.length === 0 || r.services.includes("sms"))).toBe(true);
    expect(rows.some((r) => r.services.includes("sms"))).toBe(true);
    expect(rows.some((r) => r.services.includes("voice"))).toBe(false);
  });

  it("kind (repeated or comma-separated), actor, and a time range", async () => {
    const kinds = await all("kind=version,flag&kind=deploy");
    expect(new Set(kinds.map((r) => r.kind))).toEqual(new Set(["version", "flag", "deploy"]));
    const mine = await all("actor=release@cellplane.local");
    expect(mine.length).toBe(100);
    expect(mine.every((r) => r.actor === "release@cellplane.local")).toBe(true);
    const since = new Date(NOW - 2 * HOUR).toISOString();
    const until = new Date(NOW - HOUR).toISOString();
    const ranged = await all(`since=${since}&until=${until}`);
    expect(ranged.length).toBeGreaterThan(0);
    expect(ranged.every((r) => r.at >= since && r.at < until)).toBe(true);
  });

  it("tier and region: cells of those tiers and regions (and changes to every cell)", async () => {
    const enterprise = await all("tier=enterprise");
    const entCells = new Set((await t.prisma.cell.findMany({ where: { tier: "enterprise" } })).map((c) => c.id));
    expect(enterprise.filter((r) => !r.fleetWide).every((r) => entCells.has(r.cells[0]!))).toBe(true);
    expect(enterprise.some((r) => !r.fleetWide)).toBe(true);
    const eu = await all("region=eu-west-1&tier=smb");
    const euCells = new Set((await t.prisma.cell.findMany({ where: { tier: "smb", region: "eu-west-1" } })).map((c) => c.id));
    expect(eu.filter((r) => !r.fleetWide).every((r) => euCells.has(r.cells[0]!))).toBe(true);
  });
});

describe("GET /api/v1/changes: pagination", () => {
  it("pages newest first by (at, id); following the cursor yields every change exactly once", async () => {
    const rows = await all("", 43);
    expect(rows).toHaveLength(400);
    expect(new Set(rows.map((r) => r.id)).size).toBe(400);
    for (let i = 1; i < rows.length; i++) {
      const a = rows[i - 1]!,
        b = rows[i]!;
      expect(a.at > b.at || (a.at === b.at && BigInt(a.id) > BigInt(b.id))).toBe(true);
    }
    // the same with a cell filter (the union of two index scans)
    const cell = await all("cell=smb-us-2", 5);
    expect(new Set(cell.map((r) => r.id)).size).toBe(cell.length);
    expect(cell.length).toBeGreaterThan(10);
  });

  it("the last page says so", async () => {
    const p = await page("limit=500");
    expect(p.changes).toHaveLength(400);
    expect(p.nextCursor).toBeNull();
  });
});

describe("GET /api/v1/changes: bad input is a 400 naming the field", () => {
  it.each([
    ["kind=deploys", "kind"],
    ["limit=0", "limit"],
    ["limit=501", "limit"],
    ["since=yesterday", "since"],
    ["cursor=nope", "cursor"],
    ["tier=gold", "tier"],
  ])("%s → 400 (%s)", async (qs, field) => {
    const r = await get(qs);
    expect(r.status).toBe(400);
    const body = await r.json();
    expect(body.error.code).toBe("INVALID");
    expect(body.error.details.map((d: { path: string }) => d.path)).toContain(field);
  });
});

describe("the statements use the change log's indexes", () => {
  /** Node types and relations of a plan, flattened. */
  function nodes(plan: Record<string, unknown>): { type: string; relation?: string; index?: string }[] {
    const here = {
      type: plan["Node Type"] as string,
      relation: plan["Relation Name"] as string | undefined,
      index: plan["Index Name"] as string | undefined,
    };
    return [here, ...((plan.Plans as Record<string, unknown>[] | undefined) ?? []).flatMap(nodes)];
  }
  async function explain(f: ChangeFilter) {
    const q = changesSql(f, await resolveCells((text, params) => t.query(text, params), f));
    const [row] = await t.query<{ "QUERY PLAN": [{ Plan: Record<string, unknown> }] }>(`EXPLAIN (FORMAT JSON) ${q.text}`, q.params);
    return nodes(row!["QUERY PLAN"][0].Plan);
  }

  beforeAll(async () => {
    // A busy fleet: 20,000 more changes over a week, 1 in 8 to every cell.
    await t.query(`
      INSERT INTO change_events (at, kind, cell_id, services, summary, actor, source)
      SELECT now() - (g * interval '30 seconds'), (ARRAY['version','flag','deploy','route'])[1 + g % 4],
             CASE WHEN g % 8 = 0 THEN NULL ELSE (SELECT id FROM cells ORDER BY id OFFSET (g % 16) LIMIT 1) END,
             ARRAY['sms'], 'bulk ' || g, 'system:ticker', 'bulk:' || g
        FROM generate_series(1, 20000) g`);
    await t.query(`ANALYZE change_events`);
  });

  it.each([
    ["a cell's last 24 hours (the cell page)", { cells: ["smb-us-1"], since: new Date(NOW - 24 * HOUR) }],
    ["the fleet, newest first (the /changes page)", {}],
    ["a kind and an actor across the fleet", { kinds: ["version" as const], actor: "system:ticker" }],
    ["a tier's cells", { tiers: ["enterprise"] }],
    ["most of the fleet's cells (smb)", { tiers: ["smb"], kinds: ["version" as const] }],
    ["many cells by name", { cells: Array.from({ length: 40 }, (_, i) => `cell-${i}`).concat("smb-us-1") }],
    ["the next page of a cell", { cells: ["smb-us-1"], cursor: { at: new Date(NOW - HOUR), id: "999999" } }],
  ])("%s: index scans only", async (_name, f) => {
    const plan = await explain({ ...NO_FILTER, limit: 100, ...f });
    const scans = plan.filter((n) => /Scan/.test(n.type) && n.relation);
    expect(scans.length).toBeGreaterThan(0);
    expect(scans.filter((n) => n.type === "Seq Scan" && n.relation === "change_events")).toEqual([]);
    expect(plan.some((n) => n.relation === "audit_events" || n.relation === "health_samples")).toBe(false);
    expect(scans.filter((n) => n.relation === "change_events").every((n) => n.index?.startsWith("change_events_"))).toBe(true);
  });
});
