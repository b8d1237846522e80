// Telemetry ingest (lib/health/store.ts ingestSamples) on a real PostgreSQL: what one batch writes
// to samples, rollups, current state, versions and capabilities, and what it refuses.
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rollupRecent } from "@/lib/health/server/rollups";
import { STALE_AFTER_MS } from "@/lib/gateway/model";
import { CAPABILITY_REFRESH_MS } from "@/lib/health/server/ingest";
import { ingestSamples, type Queryable, TokenRevokedError, UnknownTargetsError } from "@/lib/health/server/store";
import { DEFAULT_THRESHOLDS as T } from "@/lib/health/thresholds";
import { at, redErr, sample as s, serviceHealth } from "../support/health-samples";
import { type SeededDatabase, seededDatabase } from "../support/seeded-db";

let t: SeededDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  t = await seededDatabase("ingest", { password: "cellplane-test", poolMax: 6 });
  pool = t.pool;
});
afterAll(() => t.drop());

const health = (cell: string, service: string) => serviceHealth(t, cell, service);

describe("ingestSamples", () => {
  it("stores samples, 5-minute rollups and the current state; a re-sent batch is a no-op", async () => {
    const batch = [
      s("smb-us-1", "sms", 0),
      s("smb-us-1", "sms", 5, { p99Ms: 250 }),
      s("smb-us-1", "sms", 301, { errorRate: 0.001 }),
      s("smb-us-1", "voice", 10),
    ];
    expect(await ingestSamples(pool, batch, T)).toEqual({ received: 4, stored: 4, duplicates: 0, versionChanges: [] });
    expect(await t.query(`SELECT 1 FROM health_rollups`)).toEqual([]); // off the ingest path…
    await rollupRecent(t.prisma); // …computed by the background job
    const rollups = await t.query(
      `SELECT bucket, samples, sum_p99_ms, max_p99_ms, max_error_rate FROM health_rollups WHERE cell_id = 'smb-us-1' AND service_id = 'sms' ORDER BY bucket`,
    );
    expect(rollups).toEqual([
      { bucket: at(0), samples: 2, sum_p99_ms: 400, max_p99_ms: 250, max_error_rate: 0.0002 },
      { bucket: at(300), samples: 1, sum_p99_ms: 150, max_p99_ms: 150, max_error_rate: 0.001 },
    ]);
    expect(await health("smb-us-1", "sms")).toMatchObject({
      status: "yellow",
      status_since: at(301),
      last_sample_at: at(301),
      error_rate: 0.001,
    });

    expect(await ingestSamples(pool, batch, T)).toEqual({ received: 4, stored: 0, duplicates: 4, versionChanges: [] });
    await rollupRecent(t.prisma);
    expect(
      (await t.query(`SELECT samples FROM health_rollups WHERE cell_id = 'smb-us-1' AND service_id = 'sms' ORDER BY bucket`)).map(
        (r) => r.samples,
      ),
    ).toEqual([2, 1]);
  });

  it("keeps when a status and a breach began across batches, and clears a breach that ended", async () => {
    await ingestSamples(pool, [s("smb-us-2", "sms", 0), s("smb-us-2", "sms", 5, redErr), s("smb-us-2", "sms", 10, redErr)], T);
    expect(await health("smb-us-2", "sms")).toMatchObject({
      status: "red",
      status_since: at(5),
      error_breach_since: at(5),
      latency_breach_since: null,
    });
    await ingestSamples(pool, [s("smb-us-2", "sms", 15, redErr), s("smb-us-2", "sms", 20, { ...redErr, p99Ms: 1500 })], T);
    expect(await health("smb-us-2", "sms")).toMatchObject({
      status: "red",
      status_since: at(5),
      error_breach_since: at(5),
      latency_breach_since: at(20),
    });
    await ingestSamples(pool, [s("smb-us-2", "sms", 25)], T);
    expect(await health("smb-us-2", "sms")).toMatchObject({
      status: "green",
      status_since: at(25),
      error_breach_since: null,
      latency_breach_since: null,
    });
  });

  it("never lets an older batch overwrite a newer current state", async () => {
    await ingestSamples(pool, [s("smb-us-3", "sms", 100)], T);
    expect(await ingestSamples(pool, [s("smb-us-3", "sms", 50, redErr)], T)).toMatchObject({ stored: 1 });
    expect(await health("smb-us-3", "sms")).toMatchObject({ status: "green", last_sample_at: at(100) });
  });

  it("records version changes as deployment events and API capabilities with first and last report", async () => {
    const out = await ingestSamples(
      pool,
      [
        s("smb-eu-1", "voice", 0, { version: "v3.1.2", apiVersions: ["v1"] }),
        s("smb-eu-1", "voice", 5, { version: "v3.2.0", apiVersions: ["v2", "v1"] }),
        s("smb-eu-1", "sms", 5, { version: "v2.4.0", apiVersions: ["v1", "v2"] }),
      ],
      T,
      { source: "token:test" },
    );
    expect(out.versionChanges).toEqual([{ cell: "smb-eu-1", service: "voice", from: "v3.1.2", to: "v3.2.0" }]);
    expect(await t.query(`SELECT from_version, to_version, at, source FROM deployment_events WHERE cell_id = 'smb-eu-1'`)).toEqual([
      { from_version: "v3.1.2", to_version: "v3.2.0", at: at(5), source: "token:test" },
    ]);
    expect((await t.query(`SELECT observed_version FROM cell_services WHERE cell_id = 'smb-eu-1' AND service_id = 'voice'`))[0]).toEqual({
      observed_version: "v3.2.0",
    });
    await ingestSamples(pool, [s("smb-eu-1", "voice", 600, { version: "v3.2.0", apiVersions: ["v1", "v2"] })], T);
    expect(
      await t.query(
        `SELECT api_version, first_reported_at, last_reported_at FROM api_capabilities WHERE cell_id = 'smb-eu-1' AND service_id = 'voice' ORDER BY 1`,
      ),
    ).toEqual([
      { api_version: "v1", first_reported_at: at(5), last_reported_at: at(600) },
      { api_version: "v2", first_reported_at: at(5), last_reported_at: at(600) },
    ]);
    await ingestSamples(pool, [s("smb-eu-1", "voice", 1, { apiVersions: ["v2"] })], T);
    expect(
      (
        await t.query(
          `SELECT first_reported_at, last_reported_at FROM api_capabilities WHERE cell_id = 'smb-eu-1' AND service_id = 'voice' AND api_version = 'v2'`,
        )
      )[0],
    ).toEqual({ first_reported_at: at(1), last_reported_at: at(600) });
  });

  it.each([
    ["an unknown cell", s("smb-zz-9", "sms", 0), { cells: ["smb-zz-9"], services: [], pairs: [] }],
    ["an unknown service", s("smb-us-1", "fax", 0), { cells: [], services: ["fax"], pairs: [] }],
  ])("refuses the whole batch with %s", async (_name, bad, expected) => {
    const before = (await t.query<{ n: string }>(`SELECT count(*) AS n FROM health_samples`))[0]!.n;
    const err = await ingestSamples(pool, [s("smb-ap-1", "sms", 0), bad], T).catch((e) => e);
    expect(err).toBeInstanceOf(UnknownTargetsError);
    expect({ cells: err.cells, services: err.services, pairs: err.pairs }).toEqual(expected);
    expect((await t.query<{ n: string }>(`SELECT count(*) AS n FROM health_samples`))[0]!.n).toBe(before);
    expect(await health("smb-ap-1", "sms")).toBeUndefined();
  });

  it("refuses a retired cell and a pair the registry does not have", async () => {
    await t.query(`UPDATE cells SET status = 'retired' WHERE id = 'smb-ap-3'`);
    await expect(ingestSamples(pool, [s("smb-ap-3", "sms", 0)], T)).rejects.toMatchObject({ cells: ["smb-ap-3"] });
    await t.query(`DELETE FROM cell_services WHERE cell_id = 'smb-ap-2' AND service_id = 'video'`);
    await expect(ingestSamples(pool, [s("smb-ap-2", "sms", 0), s("smb-ap-2", "video", 0)], T)).rejects.toMatchObject({
      cells: [],
      services: [],
      pairs: ["smb-ap-2/video"],
    });
  });

  it("takes concurrent overlapping batches without deadlock; the newest sample wins", async () => {
    const cells = ["canary-us-internal", "smb-us-4", "smb-us-5", "smb-eu-2", "smb-eu-3", "smb-eu-4"];
    const services = ["sms", "voice", "video", "whatsapp", "email"];
    await ingestSamples(
      pool,
      cells.flatMap((c) => services.map((sv) => s(c, sv, 0))),
      T,
    );
    const batches = Array.from({ length: 12 }, (_, k) => {
      const order = k % 2 ? [...cells].reverse() : cells;
      return order.flatMap((c) =>
        services.map((sv) => s(c, sv, 10 + k, { version: `v9.${k}.0`, apiVersions: ["v1"], errorRate: k === 11 ? 0.05 : 0.0002 })),
      );
    });
    const results = await Promise.all(batches.map((b) => ingestSamples(pool, b, T)));
    expect(results.reduce((a, r) => a + r.stored, 0)).toBe(12 * 30);
    for (const c of cells) expect(await health(c, "sms")).toMatchObject({ status: "red", last_sample_at: at(21) });
    expect(
      Number((await t.query<{ n: string }>(`SELECT count(*) AS n FROM deployment_events WHERE to_version LIKE 'v9.%'`))[0]!.n),
    ).toBeGreaterThanOrEqual(30);
  });
});

describe("ingestSamples with the registry held in memory", () => {
  const count = async (sql: string, params: unknown[] = []) => Number((await t.query<{ n: string }>(sql, params))[0]!.n);
  const generation = async () =>
    (await t.query<{ value: string }>(`SELECT value FROM system_markers WHERE key = 'registry.generation'`))[0]!.value;

  it("bumps the registry generation in the transaction of every change to cells, services and pairs", async () => {
    const g0 = Number(await generation());
    await t.query(`UPDATE cells SET region = region WHERE id = 'smb-us-1'`); // not a registry change
    expect(Number(await generation())).toBe(g0);
    await t.query(`UPDATE cell_services SET desired_version = desired_version WHERE cell_id = 'smb-us-1'`); // nor is this
    expect(Number(await generation())).toBe(g0);
    await t.query(`UPDATE cells SET status = 'active' WHERE id = 'smb-us-1'`);
    expect(Number(await generation())).toBe(g0 + 1);
    await t.query(`BEGIN; INSERT INTO services (id, name) VALUES ('fax', 'Fax'); ROLLBACK`);
    expect(Number(await generation())).toBe(g0 + 1); // rolled back with the change
  });

  it("accepts a cell added after the registry was loaded, and refuses one retired since", async () => {
    await ingestSamples(pool, [s("smb-eu-2", "sms", 1000)], T); // the registry is loaded and held
    await t.query(`INSERT INTO cells (id, tier, region) VALUES ('smb-eu-99', 'smb', 'eu-west-1')`);
    await t.query(`INSERT INTO cell_services (cell_id, service_id) SELECT 'smb-eu-99', id FROM services`);
    expect(await ingestSamples(pool, [s("smb-eu-99", "sms", 1000), s("smb-eu-99", "voice", 1000)], T)).toMatchObject({ stored: 2 });
    expect(await health("smb-eu-99", "voice")).toMatchObject({ status: "green", last_sample_at: at(1000) });

    await t.query(`UPDATE cells SET status = 'retired' WHERE id = 'smb-eu-99'`);
    const before = await count(`SELECT count(*) AS n FROM health_samples`);
    await expect(ingestSamples(pool, [s("smb-eu-2", "sms", 1001), s("smb-eu-99", "sms", 1001)], T)).rejects.toMatchObject({
      cells: ["smb-eu-99"],
    });
    expect(await count(`SELECT count(*) AS n FROM health_samples`)).toBe(before);
  });

  it("refuses a client that keeps naming an unknown cell without reloading the registry each time", async () => {
    const texts: string[] = [];
    const counting = {
      query: ((q: string | { text: string }, ...rest: unknown[]) => {
        texts.push(typeof q === "string" ? q : q.text);
        return (pool.query as (...a: unknown[]) => unknown)(q, ...rest);
      }) as typeof pool.query,
    };
    await ingestSamples(counting, [s("smb-eu-2", "email", 1500)], T); // loads the registry once
    const loads = () => texts.filter((x) => x.includes("json_agg(json_build_array(id, status))")).length;
    expect(loads()).toBe(1);
    for (let i = 0; i < 3; i++)
      await expect(ingestSamples(counting, [s("smb-zz-1", "sms", 1500)], T)).rejects.toMatchObject({ cells: ["smb-zz-1"] });
    expect(loads()).toBe(1);
  });

  it("stores a batch repeating one key once, and a partly re-sent batch's new samples", async () => {
    const out = await ingestSamples(pool, [s("smb-eu-3", "sms", 2000), s("smb-eu-3", "sms", 2000), s("smb-eu-3", "sms", 2005)], T);
    expect(out).toMatchObject({ received: 3, stored: 2, duplicates: 1 });
    const again = await ingestSamples(pool, [s("smb-eu-3", "sms", 2005), s("smb-eu-3", "sms", 2010, redErr)], T);
    expect(again).toMatchObject({ received: 2, stored: 1, duplicates: 1 });
    expect(await health("smb-eu-3", "sms")).toMatchObject({ status: "red", last_sample_at: at(2010) });
  });

  it("stores nothing when the token was revoked after the caller checked it", async () => {
    await t.query(
      `INSERT INTO api_tokens (name, scopes, token_hash, prefix, created_by) VALUES ('agent-x', '{telemetry:write}', 'hash-x', 'cp_x', 'test')`,
    );
    const token = { hash: "hash-x", scope: "telemetry:write" };
    expect(await ingestSamples(pool, [s("smb-eu-4", "sms", 3000)], T, { token })).toMatchObject({ stored: 1 });
    await expect(
      ingestSamples(pool, [s("smb-eu-4", "sms", 3005)], T, { token: { ...token, scope: "alerts:write" } }),
    ).rejects.toBeInstanceOf(TokenRevokedError);
    await t.query(`UPDATE api_tokens SET revoked_at = now() WHERE name = 'agent-x'`);
    await expect(ingestSamples(pool, [s("smb-eu-4", "sms", 3005)], T, { token })).rejects.toBeInstanceOf(TokenRevokedError);
    expect(
      await count(`SELECT count(*) AS n FROM health_samples WHERE cell_id = 'smb-eu-4' AND service_id = 'sms' AND ts >= $1`, [at(3000)]),
    ).toBe(1);
  });

  it("confirms a reported version against the registry at least once a minute", async () => {
    const now = new Date("2026-06-01T12:00:00Z");
    const v = (sec: number, version: string, clock = now) =>
      ingestSamples(pool, [s("smb-ap-1", "email", sec, { version })], T, { now: clock });
    expect((await v(4000, "v7.1.0")).versionChanges).toEqual([
      { cell: "smb-ap-1", service: "email", from: expect.any(String), to: "v7.1.0" },
    ]);
    // Someone else's record of the pair changes (another app server, a manual fix): within the
    // minute this instance trusts what it wrote; after it, the registry is checked again.
    await t.query(`UPDATE cell_services SET observed_version = 'v7.0.0' WHERE cell_id = 'smb-ap-1' AND service_id = 'email'`);
    expect((await v(4005, "v7.1.0", new Date(now.getTime() + 30_000))).versionChanges).toEqual([]);
    expect((await v(4010, "v7.1.0", new Date(now.getTime() + 61_000))).versionChanges).toEqual([
      { cell: "smb-ap-1", service: "email", from: "v7.0.0", to: "v7.1.0" },
    ]);
    expect(await count(`SELECT count(*) AS n FROM deployment_events WHERE cell_id = 'smb-ap-1' AND service_id = 'email'`)).toBe(2);
  });

  it("keeps a capability's last report within CAPABILITY_REFRESH_MS, well inside the window readiness counts it", async () => {
    expect(CAPABILITY_REFRESH_MS).toBeLessThanOrEqual(STALE_AFTER_MS / 3);
    const refresh = CAPABILITY_REFRESH_MS / 1000;
    const last = async () =>
      (
        await t.query<{ last_reported_at: Date }>(
          `SELECT last_reported_at FROM api_capabilities WHERE cell_id = 'smb-ap-2' AND service_id = 'sms' AND api_version = 'v1'`,
        )
      )[0]!.last_reported_at;
    const report = (sec: number, on: Queryable = pool) =>
      ingestSamples(on, [s("smb-ap-2", "sms", 5000 + sec, { version: "v2.4.0", apiVersions: ["v1"] })], T);
    await report(0);
    expect(await last()).toEqual(at(5000));
    // Reported with every sample: not rewritten until the refresh is due — neither by this
    // instance (it remembers what it wrote) nor by another one (the statement checks the row).
    await report(refresh - 5);
    await report(refresh - 5, { query: pool.query.bind(pool) as Queryable["query"] });
    expect(await last()).toEqual(at(5000));
    await report(refresh);
    expect(await last()).toEqual(at(5000 + refresh));
  });
});
