// POST /api/v1/telemetry as the app server answers it (lib/health/telemetry-http.ts, the code both
// the direct path and the Next.js route run), against a real PostgreSQL: every refusal stores
// nothing, and a token remembered by the verifier but revoked since is refused at the write.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTokenVerifier, poolRows } from "@/lib/auth/server/tokens";
import { audited } from "@/lib/audit/server/record";
import { createToken } from "@/lib/auth/server/users";
import { seedDemo } from "@/lib/fleet/server/seed";
import { postTelemetry, type TelemetryDeps } from "@/lib/health/server/telemetry-http";
import { settingReader, SETTINGS } from "@/lib/settings/server/store";
import { freshDatabase, type TestDatabase } from "../support/db";

let t: TestDatabase;
let pool: pg.Pool;
let deps: TelemetryDeps;
let token: string, fleetToken: string;
beforeAll(async () => {
  t = await freshDatabase("telemetry_http");
  await seedDemo(t.prisma, "cellplane-test");
  pool = new pg.Pool({ connectionString: t.url, max: 3 });
  deps = { pool, tokens: createTokenVerifier(poolRows(pool), { ttlMs: 60_000 }), thresholds: settingReader(pool, SETTINGS.thresholds) };
  ({ token } = await audited(t.prisma, "test", (tx) => createToken(tx, { name: "agent", scopes: ["telemetry:write"] }, "test")));
  ({ token: fleetToken } = await audited(t.prisma, "test", (tx) => createToken(tx, { name: "dashboard", scopes: ["fleet:read"] }, "test")));
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

const T0 = Date.parse("2026-11-26T08:00:00Z");
const sample = (o: Record<string, unknown> = {}) => ({
  cell: "smb-us-1",
  service: "sms",
  ts: T0,
  errorRate: 0.0002,
  p99Ms: 150,
  cpu: 0.3,
  rps: 80,
  ...o,
});
/** Samples as the `columns` form of a batch. */
const columns = (rows: Record<string, unknown>[]) =>
  Object.fromEntries(
    ["cell", "service", "ts", "errorRate", "p99Ms", "cpu", "rps", "version"].map((k) => [k, rows.map((r) => r[k] ?? null)]),
  );
const post = (body: unknown, authorization: string | null = `Bearer ${token}`, contentLength: string | null = null) =>
  postTelemetry(deps, {
    authorization,
    contentLength,
    body: new Blob([typeof body === "string" ? body : JSON.stringify(body)]).stream(),
  });
const stored = async () => Number((await t.query<{ n: string }>(`SELECT count(*) AS n FROM health_samples`))[0]!.n);

describe("postTelemetry", () => {
  it.each([
    ["no token", null, 401, "UNAUTHENTICATED"],
    ["an unknown token", "Bearer cp_nope", 401, "UNAUTHENTICATED"],
    ["not a bearer token", "Basic abc", 401, "UNAUTHENTICATED"],
  ])("%s → %i", async (_n, authorization, status, code) => {
    const r = await post({ samples: [sample()] }, authorization);
    expect(r).toMatchObject({ status, body: { error: { code } }, headers: { "WWW-Authenticate": 'Bearer scope="telemetry:write"' } });
    expect(await stored()).toBe(0);
  });

  it("a token without telemetry:write → 403", async () => {
    expect(await post({ samples: [sample()] }, `Bearer ${fleetToken}`)).toMatchObject({
      status: 403,
      body: { error: { code: "FORBIDDEN", message: "token lacks scope telemetry:write" } },
    });
  });

  it.each([
    ["a declared length over 2 MB", { samples: [sample()] }, String(3 * 1024 * 1024), 413, "PAYLOAD_TOO_LARGE"],
    ["a body over 2 MB", "x".repeat(2 * 1024 * 1024 + 1), null, 413, "PAYLOAD_TOO_LARGE"],
    [
      "more than 5,000 samples",
      { samples: Array.from({ length: 5_001 }, (_, i) => sample({ ts: T0 + i })) },
      null,
      413,
      "PAYLOAD_TOO_LARGE",
    ],
    ["not JSON", "{samples:", null, 400, "INVALID_JSON"],
    ["a bad sample", { samples: [sample(), sample({ errorRate: 7 })] }, null, 400, "INVALID"],
    ["an unknown cell", { samples: [sample(), sample({ cell: "nope-9" })] }, null, 422, "UNKNOWN_TARGETS"],
    ["columns of unequal length", { columns: { ...columns([sample(), sample({ ts: T0 + 1 })]), rps: [80] } }, null, 400, "INVALID"],
    ["a bad value in a column", { columns: columns([sample(), sample({ ts: T0 + 1, cpu: 2 })]) }, null, 400, "INVALID"],
    ["an unknown cell in a column", { columns: columns([sample(), sample({ cell: "nope-9" })]) }, null, 422, "UNKNOWN_TARGETS"],
  ] as [string, unknown, string | null, number, string][])("%s → %i, nothing stored", async (_n, body, length, status, code) => {
    const r = await post(body, `Bearer ${token}`, length);
    expect(r).toMatchObject({ status, body: { error: { code } } });
    expect(await stored()).toBe(0);
  });

  it("names each bad sample's index and field", async () => {
    const r = await post({ samples: [sample(), sample({ errorRate: 7 }), sample({ ts: "yesterday" })] });
    expect((r.body as { error: { details: unknown } }).error.details).toEqual([
      { index: 1, field: "errorRate", message: expect.any(String) },
      { index: 2, field: "ts", message: expect.any(String) },
    ]);
  });

  it("stores a good batch; the same batch again is a no-op", async () => {
    const body = { samples: [sample(), sample({ service: "voice", ts: new Date(T0).toISOString(), version: "v3.1.0" })] };
    expect(await post(body)).toMatchObject({ status: 200, body: { received: 2, stored: 2, duplicates: 0 } });
    expect(await post(body)).toMatchObject({ status: 200, body: { received: 2, stored: 0, duplicates: 2 } });
    expect(await stored()).toBe(2);
  });

  it("stores a batch sent as columns as the same samples; the same columns again are a no-op", async () => {
    const rows = [sample({ ts: T0 + 10_000 }), sample({ service: "voice", ts: T0 + 10_000, version: "v3.1.1" })];
    const body = { columns: columns(rows) };
    expect(await post(body)).toMatchObject({ status: 200, body: { received: 2, stored: 2, duplicates: 0 } });
    expect(await post(body)).toMatchObject({ status: 200, body: { received: 2, stored: 0, duplicates: 2 } });
    expect(
      await t.query(
        `SELECT service_id, error_rate, p99_ms, cpu, rps, version FROM health_samples WHERE ts = to_timestamp($1 / 1000.0) ORDER BY service_id`,
        [T0 + 10_000],
      ),
    ).toEqual([
      { service_id: "sms", error_rate: 0.0002, p99_ms: 150, cpu: 0.3, rps: 80, version: null },
      { service_id: "voice", error_rate: 0.0002, p99_ms: 150, cpu: 0.3, rps: 80, version: "v3.1.1" },
    ]);
  });

  it("names the column of a batch whose columns do not line up", async () => {
    const r = await post({ columns: { ...columns([sample()]), p99Ms: [] } });
    expect(r).toMatchObject({
      status: 400,
      body: { error: { details: [{ index: -1, field: "columns.p99Ms", message: "0 values where cell has 1" }] } },
    });
  });

  it("refuses, at the write, a token revoked after the verifier remembered it", async () => {
    expect(await post({ samples: [sample({ ts: T0 + 5_000 })] })).toMatchObject({ status: 200 });
    await t.query(`UPDATE api_tokens SET revoked_at = now() WHERE name = 'agent'`);
    const before = await stored();
    expect(await post({ samples: [sample({ ts: T0 + 10_000 })] })).toMatchObject({
      status: 401,
      body: { error: { code: "UNAUTHENTICATED" } },
    });
    expect(await stored()).toBe(before);
    // …and a fresh verifier no longer accepts it at all.
    const fresh = { ...deps, tokens: createTokenVerifier(poolRows(pool)) };
    expect(
      await postTelemetry(fresh, { authorization: `Bearer ${token}`, contentLength: null, body: new Blob(["{}"]).stream() }),
    ).toMatchObject({
      status: 401,
    });
  });
});
