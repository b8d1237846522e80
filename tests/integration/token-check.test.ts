// One token check for every entry point that takes an API token. The same table of cases — missing,
// malformed, unknown, revoked, expired, wrong scope, right scope, bound to another cell, bound to
// this cell — runs over real HTTP through each of them: the direct telemetry path, the Next.js
// telemetry route, withApi routes (reads, writes, cells in the path and in the body) and OFREP.
// Then the cache policy: accepted tokens are remembered for 10 s, writes re-check at once.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audited } from "@/lib/audit/server/record";
import { createTokenVerifier, poolRows } from "@/lib/auth/server/tokens";
import { createToken } from "@/lib/auth/server/users";
import { createPool } from "@/lib/db/client";
import { type AppHttp, startAppHttp } from "../support/app-http";
import { type SeededDatabase, seededDatabase } from "../support/seeded-db";

let t: SeededDatabase;
let app: AppHttp;

beforeAll(async () => {
  t = await seededDatabase("token_check", { password: "cellplane-test", flagsAt: new Date("2026-12-01T09:00:00Z") });
  app = await startAppHttp(t.url);
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

interface EntryPoint {
  name: string;
  scope: string;
  /** The status of an accepted request. */
  ok: number;
  /** Does the entry point act for a cell (so a token bound to other cells is refused)? */
  cellBound: boolean;
  send: (headers: Record<string, string>, cell: string) => Promise<Response>;
}

let n = 0;
const sample = (cell: string) => ({
  samples: [{ cell, service: "sms", ts: Date.now() - 1_000 - n++, errorRate: 0.0002, p99Ms: 150, cpu: 0.3, rps: 80 }],
});
const post = (path: string, headers: Record<string, string>, body: unknown) =>
  fetch(`${app.baseUrl}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
const get = (path: string, headers: Record<string, string>) => fetch(`${app.baseUrl}${path}`, { headers });

const ENTRY_POINTS: EntryPoint[] = [
  {
    name: "telemetry, the app server's direct path",
    scope: "telemetry:write",
    ok: 200,
    cellBound: true,
    send: (h, cell) => post("/api/v1/telemetry", h, sample(cell)),
  },
  {
    name: "telemetry, the Next.js route",
    scope: "telemetry:write",
    ok: 200,
    cellBound: true,
    send: (h, cell) => post("/next/api/v1/telemetry", h, sample(cell)),
  },
  {
    name: "GET /api/v1/cells/{cell}/desired (withApi, a read)",
    scope: "cells:agent",
    ok: 200,
    cellBound: true,
    send: (h, cell) => get(`/api/v1/cells/${cell}/desired`, h),
  },
  {
    name: "GET /api/v1/cells/{cell}/assignments (withApi, a read)",
    scope: "migrations:agent",
    ok: 200,
    cellBound: true,
    send: (h, cell) => get(`/api/v1/cells/${cell}/assignments`, h),
  },
  {
    // No such migration: an accepted token reaches the domain, which answers 404.
    name: "POST /api/v1/migrations/{id}/cells/{cell}/progress (withApi, a write)",
    scope: "migrations:agent",
    ok: 404,
    cellBound: true,
    send: (h, cell) =>
      post(`/api/v1/migrations/no-such-run/cells/${cell}/progress`, h, { phase: "backfill", status: "running", rows: 1, seq: 1 }),
  },
  {
    name: "POST /api/v1/alerts (withApi, cells named in the body)",
    scope: "alerts:write",
    ok: 200,
    cellBound: true,
    send: (h, cell) =>
      post("/api/v1/alerts", h, {
        type: "pagerduty",
        cell,
        severity: "warning",
        summary: "token table",
        status: "firing",
        dedupKey: `tk-${n++}`,
      }),
  },
  {
    name: "OFREP single evaluation",
    scope: "flags:read",
    ok: 200,
    cellBound: false,
    send: (h) => post("/ofrep/v1/evaluate/flags/newVoiceCodec", h, { context: { targetingKey: "enterprise-customer-123" } }),
  },
  {
    name: "OFREP bulk evaluation",
    scope: "flags:read",
    ok: 200,
    cellBound: false,
    send: (h) => post("/ofrep/v1/evaluate/flags", h, { context: { targetingKey: "enterprise-customer-123" } }),
  },
];

type Setup = (ep: EntryPoint) => Promise<Record<string, string>>;

const token = async (opts: { scopes: string[]; cells?: string; expires?: string; now?: Date }) =>
  (
    await audited(t.prisma, "test", (tx) =>
      createToken(tx, { name: `tk-${n++}`, scopes: opts.scopes as never, cells: opts.cells, expires: opts.expires }, "test", opts.now),
    )
  ).token;
const bearer = (tk: string) => ({ Authorization: `Bearer ${tk}` });

// [case, headers for the entry point, expected status (null: the entry point's own success), cell the request acts for]
const CASES: [string, Setup, number | "ok" | "bound", string][] = [
  ["missing", async () => ({}), 401, "smb-us-1"],
  ["malformed: not a bearer scheme", async () => ({ Authorization: "Basic dXNlcjpwYXNz" }), 401, "smb-us-1"],
  ["malformed: not a token", async () => ({ Authorization: "Bearer a\tb!" }), 401, "smb-us-1"],
  ["unknown", async () => bearer("cp_thisTokenWasNeverIssued0000000000"), 401, "smb-us-1"],
  [
    "revoked",
    async (ep) => {
      const tk = await token({ scopes: [ep.scope] });
      await t.query(`UPDATE api_tokens SET revoked_at = now() WHERE token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')`, [tk]);
      return bearer(tk);
    },
    401,
    "smb-us-1",
  ],
  [
    "expired",
    async (ep) => bearer(await token({ scopes: [ep.scope], expires: "1h", now: new Date(Date.now() - 2 * 3_600_000) })),
    401,
    "smb-us-1",
  ],
  [
    "wrong scope",
    async (ep) => bearer(await token({ scopes: [ep.scope === "gateway:read" ? "fleet:read" : "gateway:read"] })),
    403,
    "smb-us-1",
  ],
  ["right scope", async (ep) => bearer(await token({ scopes: [ep.scope] })), "ok", "smb-us-1"],
  ["right scope, not yet expired", async (ep) => bearer(await token({ scopes: [ep.scope], expires: "90d" })), "ok", "smb-us-1"],
  ["right scope as X-API-Key", async (ep) => ({ "X-API-Key": await token({ scopes: [ep.scope] }) }), "ok", "smb-us-1"],
  ["bound to this cell by a glob", async (ep) => bearer(await token({ scopes: [ep.scope], cells: "smb-us-*" })), "ok", "smb-us-1"],
  [
    "bound to a list naming this cell",
    async (ep) => bearer(await token({ scopes: [ep.scope], cells: "smb-eu-1,smb-us-2" })),
    "ok",
    "smb-us-2",
  ],
  ["bound to other cells", async (ep) => bearer(await token({ scopes: [ep.scope], cells: "smb-eu-*" })), "bound", "smb-us-1"],
];

describe.each(ENTRY_POINTS)("$name", (ep) => {
  it.each(CASES)("%s", async (_case, setup, expected, cell) => {
    const headers = await setup(ep);
    const res = await ep.send(headers, cell);
    const want = expected === "ok" ? ep.ok : expected === "bound" ? (ep.cellBound ? 403 : ep.ok) : expected;
    const text = await res.text();
    expect(res.status, text).toBe(want);
    if (want === 401) expect(res.headers.get("www-authenticate")).toContain(ep.scope);
    if (expected === "bound" && ep.cellBound) {
      expect(JSON.parse(text)).toMatchObject({
        error: { code: "FORBIDDEN", message: expect.stringMatching(/bound to cells smb-eu-\*; it may not act for smb-us-1/) },
      });
    }
  });
});

describe("a token bound to cells, through telemetry", () => {
  it("a batch naming any other cell is refused whole, naming the cells; nothing is stored", async () => {
    const tk = await token({ scopes: ["telemetry:write"], cells: "smb-us-*" });
    const before = await t.query<{ n: string }>(`SELECT count(*) AS n FROM health_samples`);
    const body = { samples: [...sample("smb-us-3").samples, ...sample("smb-eu-1").samples, ...sample("canary-us-internal").samples] };
    const res = await post("/api/v1/telemetry", bearer(tk), body);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "FORBIDDEN", details: { cells: ["canary-us-internal", "smb-eu-1"] } } });
    expect(await t.query(`SELECT count(*) AS n FROM health_samples`)).toEqual(before);
  });
});

describe("one cache policy", () => {
  it("remembers an accepted token for 10 s: a revoked token still reads until then, never writes", async () => {
    const tk = await token({ scopes: ["migrations:agent", "telemetry:write"] });
    expect((await get("/api/v1/cells/smb-us-1/assignments", bearer(tk))).status).toBe(200);
    expect((await post("/api/v1/telemetry", bearer(tk), sample("smb-us-1"))).status).toBe(200);
    await t.query(`UPDATE api_tokens SET revoked_at = now() WHERE token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')`, [tk]);
    // A read within the 10 s is answered from the remembered token…
    expect((await get("/api/v1/cells/smb-us-1/assignments", bearer(tk))).status).toBe(200);
    // …a write re-checks it in its own statement (telemetry) or looks it up again (withApi).
    const samples = await post("/api/v1/telemetry", bearer(tk), sample("smb-us-1"));
    expect(samples.status).toBe(401);
    expect(await samples.json()).toMatchObject({
      error: { code: "UNAUTHENTICATED", message: expect.stringContaining("nothing was stored") },
    });
    const write = await post(`/api/v1/migrations/no-such-run/cells/smb-us-1/progress`, bearer(tk), { phase: "x", status: "running" });
    expect(write.status).toBe(401);
  });

  it("with an injected clock: remembered for 10 s and never past the token's expiry; refusals are not remembered", async () => {
    const pool = createPool(t.url, 2);
    let queries = 0;
    const rows = poolRows(pool);
    let now = Date.now();
    const v = createTokenVerifier(
      (sql, params, name) => {
        if (sql.includes("SELECT token_hash")) queries++;
        return rows(sql, params, name);
      },
      { clock: () => now },
    );
    try {
      // Created 45 s ago for a minute: it expires 15 s from now.
      const tk = await token({ scopes: ["fleet:read"], expires: "1m", now: new Date(now - 45_000) });
      expect(await v.verify(`Bearer ${tk}`, "fleet:read")).toMatchObject({ ok: true });
      expect(await v.verify(`Bearer ${tk}`, "gateway:read")).toMatchObject({ ok: false, status: 403 });
      expect(queries).toBe(1);
      now += 9_000;
      expect(await v.verify(`Bearer ${tk}`, "fleet:read")).toMatchObject({ ok: true });
      expect(queries).toBe(1);
      now += 2_000; // 11 s: looked up again
      expect(await v.verify(`Bearer ${tk}`, "fleet:read")).toMatchObject({ ok: true });
      expect(queries).toBe(2);
      now += 5_000; // 16 s: past its expiry, although remembered 5 s ago
      expect(await v.verify(`Bearer ${tk}`, "fleet:read")).toMatchObject({
        ok: false,
        status: 401,
        error: expect.stringContaining("expired"),
      });
      expect(queries).toBe(3);

      const unknown = "Bearer cp_notIssuedYet000000000000000000000";
      expect(await v.verify(unknown, "fleet:read")).toMatchObject({ ok: false, status: 401 });
      expect(await v.verify(unknown, "fleet:read")).toMatchObject({ ok: false, status: 401 });
      expect(queries).toBe(5);
      expect(await v.verify("Bearer", "fleet:read")).toMatchObject({ ok: false, status: 401 });
      expect(await v.verify("Bearer not-a-token!", "fleet:read")).toMatchObject({ ok: false, status: 401 });
      expect(queries).toBe(5); // malformed: no lookup
    } finally {
      await pool.end();
    }
  });

  it("concurrent lookups share one statement", async () => {
    const pool = createPool(t.url, 2);
    const statements: unknown[][] = [];
    const rows = poolRows(pool);
    const v = createTokenVerifier((sql, params, name) => {
      if (sql.includes("SELECT token_hash")) statements.push(params[0] as unknown[]);
      return rows(sql, params, name);
    });
    try {
      const tokens = await Promise.all(Array.from({ length: 20 }, () => token({ scopes: ["fleet:read"] })));
      const checks = await Promise.all(tokens.map((tk) => v.verify(`Bearer ${tk}`, "fleet:read")));
      expect(checks.every((c) => c.ok)).toBe(true);
      expect(statements.length).toBeLessThanOrEqual(2);
      expect(statements.flat()).toHaveLength(20);
    } finally {
      await pool.end();
    }
  });
});

describe("npx cellplane token create --cells … --expires …", () => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, ["bin/cellplane.mjs", "token", "create", ...args], {
      env: { ...process.env, DATABASE_URL: t.url, NODE_ENV: "development" },
      encoding: "utf8",
      timeout: 120_000,
    });

  it("binds the token to the cells and sets its expiry; a bad binding is refused with the reason, nothing stored", async () => {
    const ok = cli(["--name", "smb-agents", "--scopes", "migrations:agent", "--cells", "smb-*", "--expires", "90d"]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/for cells smb-\*, until \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    const [row] = await t.query<{ cells: string[]; days: string }>(
      `SELECT cells, round(extract(epoch FROM expires_at - created_at) / 86400) AS days FROM api_tokens WHERE name = 'smb-agents'`,
    );
    expect(row).toEqual({ cells: ["smb-*"], days: "90" });
    const token = ok.stdout.trim();
    expect((await get("/api/v1/cells/smb-eu-2/assignments", bearer(token))).status).toBe(200);
    expect((await get("/api/v1/cells/enterprise-us-hipaa/assignments", bearer(token))).status).toBe(403);

    const bad = cli(["--name", "bad-binding", "--scopes", "migrations:agent", "--cells", "SMB US"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("cells: ");
    expect(bad.stderr).toContain("is not a cell id or glob");
    expect(await t.query(`SELECT 1 FROM api_tokens WHERE name = 'bad-binding'`)).toEqual([]);
  });
});
