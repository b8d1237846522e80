// `npm run bench:ingest`: how close is telemetry ingest through the API to raw inserts?
//
// Against a scratch database with 1,000 cells × 5 services and the production app server (as `npm start` runs it):
//   API   100,000 samples POSTed to /api/v1/telemetry in batches of 500 by 4 concurrent clients on
//         loopback (token created through lib/auth/users.ts), in each of the batch's two forms: one
//         object a sample (`samples`), and one array a field (`columns`, what the simulator sends)
//   raw   100,000 samples inserted by 4 concurrent connections straight into health_samples — the
//         same table, constraints, indexes and sequence as the app writes — on a pool with the app's
//         commit mode (synchronous_commit = off), in four forms: multi-row INSERT … VALUES (500 rows a
//         statement); INSERT … SELECT of column arrays sent in binary, unnest in FROM; and the app's
//         own form, the arrays zipped into rows by unnest in a select list, sent as text
//         (node-postgres's default) and in binary (the fastest)
//   bare  the ceiling of any JSON-over-HTTP ingest on Node.js: the `columns` requests to a bare
//         node:http server that parses the JSON and runs the raw binary insert, nothing else
//         (scripts/support/bare-ingest-server.ts). Each runs twice, interleaved, every run
// with ticks of the simulated fleet of its own; the faster run of each counts. Both sides prepare
// their input before the timed part (request bodies serialised, statement parameters built), and an
// API run ends when the app server has also written every pair's newest reading to service_health
// (it writes current state behind the samples, lib/health/server/state-buffer.ts). It prints samples/s
// for each, the CPU each side used per batch, and the API's ratio to the best raw form (and to the
// ceiling). Target: the API at least 50% of the best raw form, in the form the fleet's agents send
// (`columns`); the `samples` form's figure is printed beside it.
// --profile: then 80,000 more samples through ingestSamples() in this process (no HTTP), with the
// time of each SQL statement and of the JSON parse / validation / pairUpdates steps, and one
// connection alternating raw unnest inserts and ingest batch by batch. --profile-only: only that,
// without the app server or the timed runs.
import { spawn } from "node:child_process";
import path from "node:path";
import type pg from "pg";
import { audited } from "@/lib/audit/server/record";
import { createToken } from "@/lib/auth/server/users";
import { createPrisma } from "@/lib/db/client";
import { float8Array, textArray, zipped } from "@/lib/db/pg-array";
import { DEMO_VERSIONS } from "@/lib/fleet/server/seed";
import { pairUpdates } from "@/lib/health/current-state";
import { CurrentStateBuffer } from "@/lib/health/server/state-buffer";
import { ingestSamples, type Queryable } from "@/lib/health/server/store";
import { validateBatch } from "@/lib/health/telemetry";
import { DEFAULT_THRESHOLDS } from "@/lib/health/thresholds";
import { DEFAULT_CAPABILITIES } from "@/lib/simulator/capabilities";
import { buildSamples, reconcileFleet, sampleColumns, type FleetCellView, type SimFleet, type SimSample } from "@/lib/simulator/engine";
import { generateFleet } from "@/lib/simulator/fleet-gen";
import { chunk } from "@/lib/simulator/schedule";
import { ROOT, waitForHttp } from "./runtime";
import { SAMPLE_COLUMNS, UNNEST_FROM_INSERT_SQL, UNNEST_INSERT_SQL, unnestParams } from "./support/raw-insert";
import { jsonPost, requestPipe } from "./support/request-pipe";
import { benchPool, Cleanup, cpuSnapshot, cpuSpent, log, productionServer, scratchDatabase, serverBenchArgs } from "./bench-support";

const args = serverBenchArgs("bench-ingest", 3166, 54366, { samples: "100000", batch: "500", clients: "4", cells: "1000" }, [
  "profile",
  "profile-only",
]);
const TOTAL = Number(args.samples),
  BATCH = Number(args.batch),
  CLIENTS = Number(args.clients),
  CELLS = Number(args.cells);
const COLS = SAMPLE_COLUMNS;

type BodyForm = "samples" | "columns";
/** A batch's request body in either form. */
const bodyOf = (b: SimSample[], form: BodyForm) => JSON.stringify(form === "columns" ? { columns: sampleColumns(b) } : { samples: b });
const rowsOf = (b: SimSample[]) =>
  b.flatMap((s) => [s.cell, s.service, new Date(s.ts).toISOString(), s.errorRate, s.p99Ms, s.cpu, s.rps, s.version]);
const insertSql = (table: string, n: number) =>
  `INSERT INTO ${table} (${COLS.join(", ")}) VALUES ` +
  Array.from({ length: n }, (_, i) => `(${COLS.map((_, j) => `$${i * COLS.length + j + 1}`).join(", ")})`).join(", ");

/** The same statement with node-postgres's default parameters: arrays serialised as text. */
const unnestTextParams = (b: SimSample[]) => [
  b.map((x) => x.cell),
  b.map((x) => x.service),
  b.map((x) => x.ts),
  b.map((x) => x.errorRate),
  b.map((x) => x.p99Ms),
  b.map((x) => x.cpu),
  b.map((x) => x.rps),
  b.map((x) => x.version),
];
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
async function profile(rawPool: pg.Pool, ingestPool: pg.Pool, all: SimSample[]) {
  const samples = all.slice(0, all.length - 40 * BATCH);
  // Raw and ingest alternate below on batches of their own (both write health_samples).
  const sequentialRaw = chunk(all.slice(all.length - 40 * BATCH, all.length - 20 * BATCH), BATCH);
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
  // As the app server's direct path: current state written behind the samples.
  const state = new CurrentStateBuffer(profiled);
  const wall = await concurrently(chunk(samples, BATCH), CLIENTS, async (b) => {
    const body = await timed("JSON.stringify (client side)", () => JSON.stringify({ samples: b }));
    const parsed = await timed("JSON.parse", () => JSON.parse(body) as unknown);
    const batch = await timed("validateBatch", () => validateBatch(parsed, new Date(b[b.length - 1]!.ts + 60_000)));
    if (!batch.ok) throw new Error(batch.message);
    await timed("pairUpdates (pure, done again inside ingest)", () => pairUpdates(batch.samples, thresholds));
    await timed("ingestSamples total", () => ingestSamples(profiled, batch.samples, thresholds, { source: "bench", state }));
  });
  await state.close();
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
  const client = await rawPool.connect();
  // One Queryable for the whole loop: ingest keeps its registry and caches per pool object.
  const one: Queryable = { query: client.query.bind(client) as Queryable["query"] };
  const oneState = new CurrentStateBuffer(one, { timer: { schedule: () => () => {} } }); // flushed once, at the end
  let flushMs = 0;
  try {
    for (const [k, b] of sequential.entries()) {
      let t0 = process.hrtime.bigint();
      await client.query(UNNEST_INSERT_SQL, unnestParams(sequentialRaw[k]!));
      raw.push(Number(process.hrtime.bigint() - t0) / 1e6);
      t0 = process.hrtime.bigint();
      await ingestSamples(
        one,
        b.map((x) => ({ ...x, ts: new Date(x.ts) })),
        thresholds,
        { source: "bench", state: oneState },
      );
      ingest.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const t0 = process.hrtime.bigint();
    await oneState.close();
    flushMs = Number(process.hrtime.bigint() - t0) / 1e6;
  } finally {
    client.release();
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  console.log(
    `  one connection, batches alternating (${sequential.length} each): raw unnest INSERT ${med(raw).toFixed(1)} ms, ingestSamples ${med(ingest).toFixed(1)} ms per batch of ${BATCH} → ${((med(raw) / med(ingest)) * 100).toFixed(0)}% (then one flush of the ${BATCH} pairs' current state: ${flushMs.toFixed(1)} ms)`,
  );
}

const cleanup = new Cleanup();

/** The bare ingest server (the ceiling), a process of its own on `port`; stopped at cleanup. */
async function bareIngestServer(databaseUrl: string, port: number): Promise<URL> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(ROOT, "scripts", "support", "bare-ingest-server.ts"), String(port), databaseUrl],
    {
      cwd: ROOT,
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  cleanup.add("bare ingest server", async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  });
  await waitForHttp(`http://127.0.0.1:${port}/`, 60_000, () => child.exitCode === null);
  return new URL("/api/v1/telemetry", `http://127.0.0.1:${port}`);
}

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
  // What the simulator sends: every pair every 5 s, newest last; one tick is 5,000 samples. Every
  // run gets ticks of its own, since raw and API runs all write into health_samples itself.
  const perTick = CELLS * services.length;
  const ticksPerSet = Math.ceil(TOTAL / perTick);
  const SETS = 15; // raw VALUES, raw unnest (text; binary, in FROM and zipped), the bare HTTP server, API (two forms) — twice each — and one for --profile
  const API_RUNS = 4; // each after a warm-up tick of its own (below)
  const start = Date.now() - (SETS * ticksPerSet + 2 + API_RUNS) * 5_000;
  let nextTick = 0;
  const take = (ticks: number): SimSample[] => {
    const out: SimSample[] = [];
    for (let k = 0; k < ticks; k++, nextTick++) {
      out.push(
        ...buildSamples(sim, {
          now: new Date(start + nextTick * 5_000),
          seed: "bench",
          intervalMs: 5_000,
          faults: [],
          capabilities: DEFAULT_CAPABILITIES,
        }).samples,
      );
    }
    return out;
  };
  const warm = take(2);
  const nextSet = () => take(ticksPerSet).slice(0, TOTAL);
  log(
    `${CELLS} cells × ${services.length} services; runs of ${TOTAL.toLocaleString("en")} samples in ${Math.ceil(TOTAL / BATCH)} batches of ${BATCH}, ${CLIENTS} concurrent clients, each run with ticks of its own (plus ${warm.length.toLocaleString("en")} warm-up samples)`,
  );

  // ---- raw inserts: the floor ---------------------------------------------------------------
  // Into health_samples itself (its columns, primary key, BRIN indexes and sequence default), on a
  // pool with the app's commit mode (synchronous_commit = off), in four forms:
  //   values      one multi-row INSERT … VALUES statement of 500 rows, parameters as text
  //   unnestText  INSERT … SELECT of column arrays zipped into rows (unnest in a select list),
  //               node-postgres's default text form
  //   unnestFrom  INSERT … SELECT FROM unnest() of the column arrays sent in binary
  //   unnest      the arrays in binary, zipped in a select list — the app's own form, the fastest
  const rawPool = benchPool(pg.url, CLIENTS + 1, cleanup, { asyncCommit: true });
  // Each form's statement parameters are built before the timed part (as the API side's request
  // bodies are serialised before it).
  const raw: Record<"values" | "unnestText" | "unnestFrom" | "unnest", (b: SimSample[]) => { text: string; values: unknown[] }> = {
    values: (b: SimSample[]) => ({ text: insertSql("health_samples", b.length), values: rowsOf(b) }),
    unnestText: (b: SimSample[]) => ({ text: UNNEST_INSERT_SQL, values: unnestTextParams(b) }),
    unnestFrom: (b: SimSample[]) => ({ text: UNNEST_FROM_INSERT_SQL, values: unnestParams(b) }),
    unnest: (b: SimSample[]) => ({ text: UNNEST_INSERT_SQL, values: unnestParams(b) }),
  };
  type RawForm = keyof typeof raw;
  const sampleCount = async () => Number((await pool.query<{ n: string }>("SELECT count(*) AS n FROM health_samples")).rows[0]!.n);
  /**
   * One timed run of a fresh set: its batches prepared by `prepare` before the clock starts, sent by
   * `send` from CLIENTS at once, and every sample counted in health_samples after. Returns the wall time.
   */
  async function insertRun<J>(what: string, prepare: (b: SimSample[]) => J, send: (job: J) => Promise<void>): Promise<number> {
    const samples = nextSet();
    const before = await sampleCount();
    await pool.query("CHECKPOINT");
    const jobs = chunk(samples, BATCH).map(prepare);
    const cpu0 = cpuSnapshot();
    const wall = await concurrently(jobs, CLIENTS, send);
    const cpu = cpuSpent(cpu0, cpuSnapshot(), Math.ceil(samples.length / BATCH), "batch");
    const added = (await sampleCount()) - before;
    if (added !== samples.length) throw new Error(`${what} stored ${added} of ${samples.length} samples`);
    log(`${what}: ${(samples.length / (wall / 1000)).toFixed(0)} samples/s (${(wall / 1000).toFixed(2)} s; ${cpu})`);
    return wall;
  }
  const rawRun = (form: RawForm, label: string) =>
    insertRun(`raw ${form}, ${label}`, raw[form], async (q) => {
      await rawPool.query(q.text, q.values);
    });

  if (args["profile-only"]) {
    // Only the in-process profile: no app server, no timed runs (quick, to see where a batch goes).
    await profile(rawPool, benchPool(pg.url, CLIENTS, cleanup, { asyncCommit: true }), nextSet());
    return;
  }

  // ---- the API ---------------------------------------------------------------------------
  const { token } = await audited(prisma, "bench", (tx) => createToken(tx, { name: "bench-ingest", scopes: ["telemetry:write"] }, "bench"));
  const base = await productionServer(pg.url, Number(args.port), cleanup);
  const bareUrl = await bareIngestServer(pg.url, Number(args.port) + 1);
  let stored = 0;
  // Requests are built to bytes before the timed part and written on keep-alive sockets
  // (scripts/support/request-pipe.ts, as wrk would): on two cores the client shares the machine
  // with the app server and PostgreSQL, as the raw side's client (pg) does.
  const url = new URL("/api/v1/telemetry", base);
  const pipe = requestPipe(url, CLIENTS);
  cleanup.add("client", () => pipe.close());
  const request = (body: string) => jsonPost(url, body, { authorization: `Bearer ${token}` });
  const post = async (req: Buffer) => {
    const res = await pipe.send(req);
    if (res.status !== 200) throw new Error(`POST /api/v1/telemetry: HTTP ${res.status} ${res.body.slice(0, 300)}`);
    stored += (JSON.parse(res.body) as { stored: number }).stored;
  };
  // Warm-up in both forms, alternating batch by batch.
  for (const [i, b] of chunk(warm, BATCH).entries()) await post(request(bodyOf(b, i % 2 ? "columns" : "samples")));
  // The app server writes current state behind the samples (within a second): a run ends when every
  // pair's newest reading is in service_health too, so that work is inside the timed part.
  async function stateWritten(samples: SimSample[]) {
    const newest = new Map<string, SimSample>();
    for (const x of samples) {
      const k = `${x.cell}\u0000${x.service}`;
      if ((newest.get(k)?.ts ?? -1) < x.ts) newest.set(k, x);
    }
    const list = [...newest.values()];
    const params = [textArray(list.map((x) => x.cell)), textArray(list.map((x) => x.service)), float8Array(list.map((x) => x.ts))];
    for (;;) {
      const { rows } = await pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM service_health h JOIN ${zipped(1, "c text, s text, ms float8")} AS t
            ON h.cell_id = t.c AND h.service_id = t.s WHERE h.last_sample_at >= to_timestamp(t.ms / 1000)`,
        params,
      );
      if (Number(rows[0]!.n) === list.length) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  // The ceiling of any JSON-over-HTTP ingest on Node.js: HTTP, JSON.parse and the raw binary insert,
  // nothing else (scripts/support/bare-ingest-server.ts).
  const barePipe = requestPipe(bareUrl, CLIENTS);
  cleanup.add("bare client", () => barePipe.close());
  const bareRun = (label: string) =>
    insertRun(
      `bare HTTP + JSON (columns) + raw insert, ${label}`,
      (b) => jsonPost(bareUrl, bodyOf(b, "columns"), {}),
      async (req) => {
        const res = await barePipe.send(req);
        if (res.status !== 200) throw new Error(`bare server: HTTP ${res.status} ${res.body.slice(0, 300)}`);
      },
    );

  async function apiRun(label: string, form: BodyForm): Promise<number> {
    // Untimed, a tick just before the run's own: the app's steady state. The runs in between moved
    // sample time on by minutes, so this tick is where every pair's capabilities are rewritten (as
    // each pair's are every CAPABILITY_REFRESH_MS, 5 minutes: one tick in 60 of a steady stream);
    // its current state is written before the clock starts.
    const warmUp = take(1);
    for (const b of chunk(warmUp, BATCH)) await post(request(bodyOf(b, form)));
    await stateWritten(warmUp);
    const samples = nextSet();
    stored = 0;
    await pool.query("CHECKPOINT");
    const requests = chunk(samples, BATCH).map((b) => request(bodyOf(b, form)));
    const cpu0 = cpuSnapshot();
    const t0 = process.hrtime.bigint();
    await concurrently(requests, CLIENTS, post);
    const answered = Number(process.hrtime.bigint() - t0) / 1e6;
    await stateWritten(samples);
    const wall = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = cpuSpent(cpu0, cpuSnapshot(), Math.ceil(samples.length / BATCH), "batch");
    if (stored !== samples.length) throw new Error(`the API stored ${stored} of ${samples.length} samples`);
    log(
      `API (${form}), ${label}: ${(samples.length / (wall / 1000)).toFixed(0)} samples/s (${(wall / 1000).toFixed(2)} s until the current state was written, the last answer at ${(answered / 1000).toFixed(2)} s; ${stored.toLocaleString("en")} stored; ${cpu})`,
    );
    return wall;
  }

  // Interleaved, so a burst of load elsewhere on the machine hits every side alike.
  const walls = {
    values: [] as number[],
    unnestText: [] as number[],
    unnestFrom: [] as number[],
    unnest: [] as number[],
    bare: [] as number[],
    api: [] as number[],
    apiColumns: [] as number[],
  };
  for (const run of ["run 1", "run 2"]) {
    walls.values.push(await rawRun("values", run));
    walls.unnestText.push(await rawRun("unnestText", run));
    walls.unnestFrom.push(await rawRun("unnestFrom", run));
    walls.unnest.push(await rawRun("unnest", run));
    walls.bare.push(await bareRun(run));
    // The two forms take turns going first (the first after the bare run meets its checkpoint's writes).
    for (const form of run === "run 1" ? (["columns", "samples"] as const) : (["samples", "columns"] as const))
      (form === "columns" ? walls.apiColumns : walls.api).push(await apiRun(run, form));
  }

  if (args.profile) await profile(rawPool, benchPool(pg.url, CLIENTS, cleanup, { asyncCommit: true }), nextSet());

  const rate = (xs: number[]) => TOTAL / (Math.min(...xs) / 1000);
  const valuesRate = rate(walls.values),
    unnestTextRate = rate(walls.unnestText),
    unnestFromRate = rate(walls.unnestFrom),
    unnestRate = rate(walls.unnest),
    bareRate = rate(walls.bare),
    apiRate = rate(walls.api),
    columnsRate = rate(walls.apiColumns);
  const best = Math.max(valuesRate, unnestTextRate, unnestFromRate, unnestRate);
  const ratio = columnsRate / best;
  const pct = (x: number) => `${((x / best) * 100).toFixed(0)}%`;
  console.log(`
Ingest benchmark — ${TOTAL.toLocaleString("en")} samples a run, batches of ${BATCH}, ${CLIENTS} concurrent clients, loopback,
into health_samples, commits not waiting for the WAL flush (as the app's telemetry pool)
  raw INSERT … VALUES, 500 rows (best of 2)      ${valuesRate.toFixed(0).padStart(8)} samples/s   ${pct(valuesRate).padStart(5)}
  raw INSERT … unnest(text arrays) (best of 2)   ${unnestTextRate.toFixed(0).padStart(8)} samples/s   ${pct(unnestTextRate).padStart(5)}
  raw INSERT … FROM unnest(binary) (best of 2)   ${unnestFromRate.toFixed(0).padStart(8)} samples/s   ${pct(unnestFromRate).padStart(5)}
  raw INSERT … unnest(binary arrays) (best of 2) ${unnestRate.toFixed(0).padStart(8)} samples/s   ${pct(unnestRate).padStart(5)}
  ceiling: bare node:http + JSON.parse (columns) + the raw binary insert (best of 2)
                                                 ${bareRate.toFixed(0).padStart(8)} samples/s   ${pct(bareRate).padStart(5)}
  POST /api/v1/telemetry, columns (best of 2)    ${columnsRate.toFixed(0).padStart(8)} samples/s   ${pct(columnsRate).padStart(5)}   ${((columnsRate / bareRate) * 100).toFixed(0)}% of the ceiling
  POST /api/v1/telemetry, samples (best of 2)    ${apiRate.toFixed(0).padStart(8)} samples/s   ${pct(apiRate).padStart(5)}   ${((apiRate / bareRate) * 100).toFixed(0)}% of the ceiling
  ratio API (columns, as the simulator sends) / best raw ${(ratio * 100).toFixed(0).padStart(3)}%   target ≥ 50%: ${ratio >= 0.5 ? "met ✓" : "missed ✗"}`);
});
