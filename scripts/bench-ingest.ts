// `npm run bench:ingest`: how close is telemetry ingest through the API to raw inserts?
//
// Against a scratch database with 1,000 cells × 5 services and the production app server (as `npm start` runs it):
//   API   100,000 samples POSTed to /api/v1/telemetry in batches of 500 by 4 concurrent clients on
//         loopback (token created through lib/auth/users.ts); run twice, each time with the next
//         20 ticks of the simulated fleet, the faster run counts
//   raw   the same samples as multi-row INSERTs (500 rows a statement, 4 concurrent connections)
//         through `pg` into a scratch table of the same shape as health_samples (its columns,
//         primary key and indexes); run twice (raw, API, raw, API), the faster run counts
// It prints samples/s for both, the CPU each side used per batch, and the ratio. Target: the API
// at least 50% of the raw rate.
// --profile: then the next 100,000 samples through ingestSamples() in this process (no HTTP), with
// the time of each SQL statement and of the JSON parse / validation / pairUpdates steps.
import { parseArgs } from "node:util";
import type pg from "pg";
import { audited } from "@/lib/audit/server/record";
import { createToken } from "@/lib/auth/server/users";
import { createPrisma } from "@/lib/db/client";
import { DEMO_VERSIONS } from "@/lib/fleet/server/seed";
import { pairUpdates } from "@/lib/health/current-state";
import { ingestSamples, type Queryable } from "@/lib/health/server/store";
import { validateBatch } from "@/lib/health/telemetry";
import { DEFAULT_THRESHOLDS } from "@/lib/health/thresholds";
import { DEFAULT_CAPABILITIES } from "@/lib/simulator/capabilities";
import { buildSamples, reconcileFleet, type FleetCellView, type SimFleet, type SimSample } from "@/lib/simulator/engine";
import { generateFleet } from "@/lib/simulator/fleet-gen";
import { chunk } from "@/lib/simulator/schedule";
import { benchPool, Cleanup, cpuSnapshot, cpuSpent, log, productionServer, scratchDatabase } from "./bench-support";

const { values: args } = parseArgs({
  options: {
    samples: { type: "string", default: "100000" },
    batch: { type: "string", default: "500" },
    clients: { type: "string", default: "4" },
    cells: { type: "string", default: "1000" },
    port: { type: "string", default: "3166" },
    "pg-port": { type: "string", default: "54366" },
    "data-dir": { type: "string", default: ".data/bench-ingest" },
    profile: { type: "boolean", default: false },
  },
});
const TOTAL = Number(args.samples),
  BATCH = Number(args.batch),
  CLIENTS = Number(args.clients),
  CELLS = Number(args.cells);
const COLS = ["cell_id", "service_id", "ts", "error_rate", "p99_ms", "cpu", "rps", "version"] as const;

const rowsOf = (b: SimSample[]) =>
  b.flatMap((s) => [s.cell, s.service, new Date(s.ts).toISOString(), s.errorRate, s.p99Ms, s.cpu, s.rps, s.version]);
const insertSql = (table: string, n: number) =>
  `INSERT INTO ${table} (${COLS.join(", ")}) VALUES ` +
  Array.from({ length: n }, (_, i) => `(${COLS.map((_, j) => `$${i * COLS.length + j + 1}`).join(", ")})`).join(", ");

/** Run `jobs` with `n` workers; returns the wall time in ms. */
async function concurrently<T>(jobs: T[], n: number, run: (job: T) => Promise<void>): Promise<number> {
  const queue = [...jobs];
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: n }, async () => {
      for (let j = queue.shift(); j !== undefined; j = queue.shift()) await run(j);
    }),
  );
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Where ingest spends its time: the same work as the route, in process, each step timed. */
async function profile(pool: pg.Pool, ingestPool: pg.Pool, all: SimSample[], rawTable: string) {
  const samples = all.slice(0, all.length - 20 * BATCH);
  const sequential = chunk(all.slice(all.length - 20 * BATCH), BATCH);
  const spent = new Map<string, { ms: number; calls: number }>();
  const add = (k: string, ms: number) => {
    const e = spent.get(k) ?? { ms: 0, calls: 0 };
    e.ms += ms;
    e.calls++;
    spent.set(k, e);
  };
  const timed = async <T>(k: string, fn: () => Promise<T> | T): Promise<T> => {
    const t0 = process.hrtime.bigint();
    try {
      return await fn();
    } finally {
      add(k, Number(process.hrtime.bigint() - t0) / 1e6);
    }
  };
  const label = (q: string | { name?: string; text: string }) => {
    if (typeof q !== "string" && q.name) return `sql: ${q.name}`;
    const flat = (typeof q === "string" ? q : q.text).replace(/\s+/g, " ").trim();
    const m = /^(WITH \w+|INSERT INTO \w+|SELECT [^ ]+ FROM \w+|SELECT 'cell'|SELECT DISTINCT|\w+)/.exec(flat);
    return `sql: ${m ? m[0] : flat.slice(0, 30)}${/FOR UPDATE OF h/.test(flat) ? " … FOR UPDATE (lock service_health)" : /UPDATE service_health/.test(flat) ? " … (service_health)" : /deployment_events/.test(flat) ? " … (versions)" : /health_rollups/.test(flat) ? " … (samples + rollups)" : ""}`;
  };
  const profiled: Queryable = {
    query: ((q: string | { name?: string; text: string }, params?: unknown[]) =>
      timed(label(q), () => ingestPool.query(q as string, params))) as Queryable["query"],
  };
  const thresholds = DEFAULT_THRESHOLDS;
  const wall = await concurrently(chunk(samples, BATCH), CLIENTS, async (b) => {
    const body = await timed("JSON.stringify (client side)", () => JSON.stringify({ samples: b }));
    const parsed = await timed("JSON.parse", () => JSON.parse(body) as unknown);
    const batch = await timed("validateBatch (zod)", () => validateBatch(parsed, new Date(b[b.length - 1]!.ts + 60_000)));
    if (!batch.ok) throw new Error(batch.message);
    await timed("pairUpdates (pure, done again inside ingest)", () => pairUpdates(batch.samples, thresholds));
    await timed("ingestSamples total", () => ingestSamples(profiled, batch.samples, thresholds, { source: "bench" }));
  });
  console.log(
    `\nProfile — ${samples.length.toLocaleString("en")} more samples through ingestSamples() in process, ${CLIENTS} concurrent, no HTTP: ${(samples.length / (wall / 1000)).toFixed(0)} samples/s`,
  );
  console.log("  step                                                   total ms   calls   ms/call");
  for (const [k, e] of [...spent].sort((a, b) => b[1].ms - a[1].ms)) {
    console.log(`  ${k.padEnd(54)}${e.ms.toFixed(0).padStart(9)}${String(e.calls).padStart(8)}${(e.ms / e.calls).toFixed(2).padStart(10)}`);
  }
  // One connection, one batch at a time, raw and ingest alternating: the cost of a batch without
  // contention between the four clients (and the app server) for this machine's cores.
  const raw: number[] = [],
    ingest: number[] = [];
  const client = await pool.connect();
  // One Queryable for the whole loop: ingest keeps its registry and caches per pool object.
  const one: Queryable = { query: client.query.bind(client) as Queryable["query"] };
  try {
    for (const b of sequential) {
      let t0 = process.hrtime.bigint();
      await client.query(insertSql(rawTable, b.length), rowsOf(b));
      raw.push(Number(process.hrtime.bigint() - t0) / 1e6);
      t0 = process.hrtime.bigint();
      await ingestSamples(
        one,
        b.map((x) => ({ ...x, ts: new Date(x.ts) })),
        thresholds,
        { source: "bench" },
      );
      ingest.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  } finally {
    client.release();
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  console.log(
    `  one connection, batches alternating (${sequential.length} each): raw INSERT ${med(raw).toFixed(1)} ms, ingestSamples ${med(ingest).toFixed(1)} ms per batch of ${BATCH} → ${((med(raw) / med(ingest)) * 100).toFixed(0)}%`,
  );
}

const cleanup = new Cleanup();

await cleanup.guard(async () => {
  const pg = await scratchDatabase(args["data-dir"]!, Number(args["pg-port"]), cleanup);
  const pool = benchPool(pg.url, CLIENTS + 1, cleanup);
  const prisma = createPrisma(pg.url, 1);
  cleanup.add("prisma", () => prisma.$disconnect());

  // ---- fleet and samples ------------------------------------------------------------------
  const fleet = generateFleet(CELLS);
  await pool.query(
    `INSERT INTO cells (id, tier, region) SELECT id, tier::"Tier", region FROM unnest($1::text[], $2::text[], $3::text[]) AS t(id, tier, region)`,
    [fleet.cells.map((c) => c.id), fleet.cells.map((c) => c.tier), fleet.cells.map((c) => c.region)],
  );
  const services = Object.keys(DEMO_VERSIONS);
  await pool.query(
    `INSERT INTO cell_services (cell_id, service_id, desired_version, observed_version)
     SELECT c.id, v.service, v.version, v.version FROM cells c CROSS JOIN unnest($1::text[], $2::text[]) AS v(service, version)`,
    [services, services.map((s) => DEMO_VERSIONS[s]!)],
  );
  const view: FleetCellView[] = fleet.cells.map((c) => ({
    id: c.id,
    tier: c.tier,
    region: c.region,
    services: services.map((s) => ({ service: s, observedVersion: DEMO_VERSIONS[s]!, desiredVersion: DEMO_VERSIONS[s]! })),
  }));
  const sim: SimFleet = new Map();
  reconcileFleet(sim, view);
  // What the simulator sends: every pair every 5 s, newest last; one tick is 5,000 samples.
  const perTick = CELLS * services.length;
  const ticks = 3 * Math.ceil(TOTAL / perTick) + 2;
  const start = Date.now() - ticks * 5_000;
  const all: SimSample[] = [];
  for (let k = 0; k < ticks; k++) {
    all.push(
      ...buildSamples(sim, {
        now: new Date(start + k * 5_000),
        seed: "bench",
        intervalMs: 5_000,
        faults: [],
        capabilities: DEFAULT_CAPABILITIES,
      }).samples,
    );
  }
  const warm = all.slice(0, 2 * perTick);
  const measured = all.slice(2 * perTick, 2 * perTick + TOTAL);
  const second = all.slice(2 * perTick + TOTAL, 2 * perTick + 2 * TOTAL);
  const later = all.slice(2 * perTick + 2 * TOTAL, 2 * perTick + 3 * TOTAL);
  const batches = chunk(measured, BATCH);
  log(
    `${CELLS} cells × ${services.length} services; ${measured.length.toLocaleString("en")} samples in ${batches.length} batches of ${BATCH}, ${CLIENTS} concurrent clients (plus ${warm.length.toLocaleString("en")} warm-up samples)`,
  );

  // ---- raw multi-row INSERTs --------------------------------------------------------------
  let rawCpu = "";
  async function rawRun(table: string): Promise<number> {
    await pool.query(`DROP TABLE IF EXISTS ${table}`);
    await pool.query(`CREATE TABLE ${table} (LIKE health_samples INCLUDING ALL)`);
    for (const b of chunk(warm, BATCH)) await pool.query(insertSql(table, b.length), rowsOf(b));
    await pool.query("CHECKPOINT");
    const cpu0 = cpuSnapshot();
    const wall = await concurrently(batches, CLIENTS, async (b) => {
      await pool.query(insertSql(table, b.length), rowsOf(b));
    });
    rawCpu = cpuSpent(cpu0, cpuSnapshot(), batches.length, "batch");
    const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    if (Number(rows[0]!.n) !== warm.length + measured.length) throw new Error(`${table} holds ${rows[0]!.n} rows`);
    return wall;
  }
  const rawBefore = await rawRun("bench_raw_samples_a");
  log(`raw INSERT, run 1: ${(measured.length / (rawBefore / 1000)).toFixed(0)} samples/s (${(rawBefore / 1000).toFixed(2)} s; ${rawCpu})`);

  // ---- the API ---------------------------------------------------------------------------
  const { token } = await audited(prisma, "bench", (tx) => createToken(tx, { name: "bench-ingest", scopes: ["telemetry:write"] }, "bench"));
  const base = await productionServer(pg.url, Number(args.port), cleanup);
  let stored = 0;
  const post = async (b: SimSample[]) => {
    const res = await fetch(`${base}/api/v1/telemetry`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ samples: b }),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`POST /api/v1/telemetry: HTTP ${res.status} ${text.slice(0, 300)}`);
    stored += (JSON.parse(text) as { stored: number }).stored;
  };
  for (const b of chunk(warm, BATCH)) await post(b);
  async function apiRun(samples: SimSample[], label: string): Promise<number> {
    stored = 0;
    await pool.query("CHECKPOINT");
    const cpu0 = cpuSnapshot();
    const wall = await concurrently(chunk(samples, BATCH), CLIENTS, post);
    const cpu = cpuSpent(cpu0, cpuSnapshot(), Math.ceil(samples.length / BATCH), "batch");
    if (stored !== samples.length) throw new Error(`the API stored ${stored} of ${samples.length} samples`);
    log(
      `API, ${label}: ${(samples.length / (wall / 1000)).toFixed(0)} samples/s (${(wall / 1000).toFixed(2)} s, ${stored.toLocaleString("en")} stored; ${cpu})`,
    );
    return wall;
  }
  const apiFirst = await apiRun(measured, "run 1");

  const rawAfter = await rawRun("bench_raw_samples_b");
  log(`raw INSERT, run 2: ${(measured.length / (rawAfter / 1000)).toFixed(0)} samples/s (${(rawAfter / 1000).toFixed(2)} s; ${rawCpu})`);
  const apiSecond = await apiRun(second, "run 2 (the next 20 ticks)");

  if (args.profile) await profile(pool, benchPool(pg.url, CLIENTS, cleanup, { asyncCommit: true }), later, "bench_raw_samples_b");

  const rawBest = Math.min(rawBefore, rawAfter);
  const apiRate = measured.length / (Math.min(apiFirst, apiSecond) / 1000);
  const rawRate = measured.length / (rawBest / 1000);
  const ratio = apiRate / rawRate;
  console.log(`
Ingest benchmark — ${measured.length.toLocaleString("en")} samples, batches of ${BATCH}, ${CLIENTS} concurrent clients, loopback
  raw multi-row INSERT (pg, best of 2)   ${rawRate.toFixed(0).padStart(8)} samples/s
  POST /api/v1/telemetry (best of 2)    ${apiRate.toFixed(0).padStart(8)} samples/s
  ratio API / raw                        ${(ratio * 100).toFixed(0).padStart(7)}%   target ≥ 50%: ${ratio >= 0.5 ? "met ✓" : "missed ✗"}`);
});
