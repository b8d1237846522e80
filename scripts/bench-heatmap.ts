// `npm run bench:heatmap`: is the global view's cost close to the floor at 1,000 cells × 5 services?
//
// Seeds a scratch database with 1,000 cells × 5 services and 6 hours of 1-minute samples (≈1.8 M
// history rows, inserted set-based), then the current-state rows through the real ingest code, and
// measures in one run (medians after warm-up):
//   floor       one raw `pg` query reading status, values and versions of all 5,000 pairs from the
//               current-state tables (service_health + cell_services + cells)
//   data load   loadFleetHealth() — what the global view and GET /api/v1/fleet/health call
//   GET /       the full HTML of the global view from the app server (production build), signed in:
//               the heatmap rendered with the fleet's state
//   API         GET /api/v1/fleet/health with the session cookie
//   feed        GET /api/v1/fleet/feed with the session cookie (what the global view polls), whole,
//               and unchanged (If-None-Match → 304)
//   contrast    latest sample per pair with DISTINCT ON over the history table
//   feed (in process) currentFeed(): the data load, the feed's encoding and its ETag
// Each figure is timed in turn with the floor (floor, figure, floor, …) and compared with the floor
// of those same moments. Targets: data load ≤ 2× floor, GET / ≤ 4× floor, the feed's server time
// (in process) ≤ 2× floor. The browser's side (first tile, hover, idle, first-load JS) is bench:ui.
import zlib from "node:zlib";
import { DEMO_VERSIONS } from "@/lib/fleet/server/seed";
import { currentFeed } from "@/lib/health/server/feed";
import { ingestSamples, loadFleetHealth } from "@/lib/health/server/store";
import { DEFAULT_THRESHOLDS } from "@/lib/health/thresholds";
import { DEFAULT_CAPABILITIES } from "@/lib/simulator/capabilities";
import { buildSamples, reconcileFleet, type FleetCellView, type SimFleet } from "@/lib/simulator/engine";
import type { Fault } from "@/lib/simulator/faults";
import { generateFleet } from "@/lib/simulator/fleet-gen";
import { chunk } from "@/lib/simulator/schedule";
import {
  BENCH_ADMIN,
  benchDatabase,
  Cleanup,
  createBenchAdmin,
  fmt,
  getPage,
  log,
  measure,
  measureAgainst,
  ms,
  productionServer,
  seedHealthHistory,
  serverBenchArgs,
  signIn,
  type Timing,
} from "./bench-support";

const args = serverBenchArgs("bench-heatmap", 3165, 54365, { cells: "1000", hours: "6", runs: "15", warmup: "3" });
const CELLS = Number(args.cells),
  HOURS = Number(args.hours),
  RUNS = Number(args.runs),
  WARMUP = Number(args.warmup);

/** The floor: one raw query for everything a heatmap tile shows. */
const FLOOR_SQL = `
  SELECT c.id, c.tier, c.region, cs.service_id, cs.observed_version, cs.desired_version,
         h.status, h.status_since, h.last_sample_at, h.error_rate, h.p99_ms, h.cpu, h.rps
    FROM cells c
    JOIN cell_services cs ON cs.cell_id = c.id
    LEFT JOIN service_health h ON h.cell_id = cs.cell_id AND h.service_id = cs.service_id
   WHERE c.status <> 'retired'`;

const DISTINCT_ON_SQL = `
  SELECT DISTINCT ON (cell_id, service_id) cell_id, service_id, ts, error_rate, p99_ms, cpu, rps, version
    FROM health_samples ORDER BY cell_id, service_id, ts DESC`;

const cleanup = new Cleanup();

await cleanup.guard(async () => {
  const { pg, pool, prisma } = await benchDatabase(args, cleanup);

  // ---- seed -------------------------------------------------------------------------------
  const t0 = Date.now();
  const fleet = generateFleet(CELLS);
  await pool.query(
    `INSERT INTO cells (id, tier, region, compliance)
     SELECT id, tier::"Tier", region, coalesce(string_to_array(nullif(comp, ''), ','), ARRAY[]::text[])
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(id, tier, region, comp)`,
    [
      fleet.cells.map((c) => c.id),
      fleet.cells.map((c) => c.tier),
      fleet.cells.map((c) => c.region),
      fleet.cells.map((c) => c.compliance.join(",")),
    ],
  );
  // Everyone on the demo versions, but a release is half-way: sms v2.5.0 on the canaries and the
  // first fifth of SMB cells.
  const services = Object.keys(DEMO_VERSIONS);
  await pool.query(
    `INSERT INTO cell_services (cell_id, service_id, desired_version, observed_version)
     SELECT c.id, v.service, v.version, v.version FROM cells c CROSS JOIN unnest($1::text[], $2::text[]) AS v(service, version)`,
    [services, services.map((s) => DEMO_VERSIONS[s]!)],
  );
  const early = fleet.cells
    .filter((c) => c.tier === "canary" || (c.tier === "smb" && Number(c.id.split("-").pop()) % 5 === 0))
    .map((c) => c.id);
  await pool.query(
    `UPDATE cell_services SET desired_version = 'v2.5.0', observed_version = 'v2.5.0' WHERE service_id = 'sms' AND cell_id = ANY($1::text[])`,
    [early],
  );

  const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const from = new Date(now.getTime() - HOURS * 3_600_000);
  const last = new Date(now.getTime() - 60_000);
  const history = await seedHealthHistory(pool, from, last);
  log(
    `seeded ${CELLS} cells × ${services.length} services, ${history.toLocaleString("en")} history rows and their 5-minute rollups in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );

  // The newest minute goes through the real ingest code, which builds the current-state rows; the
  // simulator's model supplies values, with a few faults so the heatmap is not all green.
  const t1 = Date.now();
  const view: FleetCellView[] = (
    await pool.query<{
      id: string;
      tier: string;
      region: string;
      services: { service: string; observedVersion: string; desiredVersion: string }[];
    }>(
      `SELECT c.id, c.tier::text AS tier, c.region,
              json_agg(json_build_object('service', cs.service_id, 'observedVersion', cs.observed_version, 'desiredVersion', cs.desired_version)) AS services
         FROM cells c JOIN cell_services cs ON cs.cell_id = c.id GROUP BY c.id`,
    )
  ).rows;
  const sim: SimFleet = new Map();
  reconcileFleet(sim, view);
  const faults: Fault[] = [
    { kind: "bad-version", service: "sms", version: "v2.5.0", cells: "smb-us-*", errorRate: 0.04 },
    { kind: "latency", region: "ap-southeast-2", p99Ms: 700, service: "video", cells: "*" },
  ];
  const { samples } = buildSamples(sim, { now, seed: "bench", intervalMs: 60_000, faults, capabilities: DEFAULT_CAPABILITIES });
  for (const batch of chunk(samples, 1000)) {
    await ingestSamples(
      pool,
      batch.map((s) => ({ ...s, ts: new Date(s.ts) })),
      DEFAULT_THRESHOLDS,
      { source: "bench" },
    );
  }
  await pool.query("VACUUM ANALYZE");
  const [{ n }] = (await pool.query<{ n: string }>("SELECT count(*) AS n FROM health_samples")).rows as [{ n: string }];
  log(
    `current state for ${samples.length.toLocaleString("en")} pairs through ingestSamples(), then VACUUM ANALYZE, in ${((Date.now() - t1) / 1000).toFixed(1)} s; health_samples holds ${Number(n).toLocaleString("en")} rows`,
  );

  await createBenchAdmin(prisma);

  // ---- measure in process -----------------------------------------------------------------
  // Each figure is timed in turn with the floor (floor, figure, floor, figure, …), so the ratio holds
  // even when the machine's load changes between the figures.
  let rows = 0;
  const floorQuery = async () => {
    rows = (await pool.query(FLOOR_SQL)).rowCount ?? 0;
  };
  const floor = await measure(RUNS, WARMUP, floorQuery);
  log(`floor (raw pg, ${rows} rows): ${fmt(floor)}`);
  let counts = "";
  const load = await measureAgainst(RUNS, WARMUP, floorQuery, async () => {
    const h = await loadFleetHealth(pool, DEFAULT_THRESHOLDS, new Date());
    counts = JSON.stringify(h.counts);
  });
  log(`data load (loadFleetHealth): ${fmt(load.t)}; cells by status ${counts}`);
  const encoded = await measureAgainst(RUNS, WARMUP, floorQuery, () => currentFeed(pool, DEFAULT_THRESHOLDS, new Date()));
  log(`feed in process (currentFeed: data load, encoding, ETag): ${fmt(encoded.t)}`);
  const distinctOn = await measure(3, 1, () => pool.query(DISTINCT_ON_SQL));
  log(`contrast — latest sample per pair by DISTINCT ON over history: ${fmt(distinctOn)}`);

  // ---- measure over HTTP ------------------------------------------------------------------
  const base = await productionServer(pg.url, Number(args.port), cleanup);
  const cookie = await signIn(base, BENCH_ADMIN.email, BENCH_ADMIN.password);
  let page = { status: 0, url: "", bytes: 0, hops: [] as string[] };
  const home = await measureAgainst(RUNS, WARMUP, floorQuery, async () => {
    page = await getPage(base, "/", cookie);
    if (page.status !== 200) throw new Error(`GET / ended at ${page.url} with HTTP ${page.status}`);
  });
  log(
    `GET / (${page.hops.join(" → ")}; HTTP ${page.status}, ${(page.bytes / 1024).toFixed(0)} KiB of HTML, every hop timed): ${fmt(home.t)}`,
  );
  let apiBytes = 0;
  const api = await measureAgainst(RUNS, WARMUP, floorQuery, async () => {
    const r = await getPage(base, "/api/v1/fleet/health", cookie);
    if (r.status !== 200) throw new Error(`GET /api/v1/fleet/health: HTTP ${r.status}`);
    apiBytes = r.bytes;
  });
  log(`GET /api/v1/fleet/health (${(apiBytes / 1024).toFixed(0)} KiB of JSON): ${fmt(api.t)}`);
  let feedBody = Buffer.alloc(0),
    etag = "";
  const feed = await measureAgainst(RUNS, WARMUP, floorQuery, async () => {
    const r = await fetch(`${base}/api/v1/fleet/feed`, { headers: { cookie, "accept-encoding": "identity" } });
    if (r.status !== 200) throw new Error(`GET /api/v1/fleet/feed: HTTP ${r.status}`);
    feedBody = Buffer.from(await r.arrayBuffer());
    etag = r.headers.get("etag")!;
  });
  const feedGzip = zlib.gzipSync(feedBody).length;
  log(
    `GET /api/v1/fleet/feed (${(feedBody.length / 1024).toFixed(0)} KiB of JSON, ${(feedGzip / 1024).toFixed(0)} KiB gzip): ${fmt(feed.t)}`,
  );
  let notModified = 0;
  const unchanged = await measureAgainst(RUNS, WARMUP, floorQuery, async () => {
    const r = await fetch(`${base}/api/v1/fleet/feed?since=${encodeURIComponent(etag)}`, { headers: { cookie, "if-none-match": etag } });
    await r.arrayBuffer();
    notModified = r.status;
  });
  log(`GET /api/v1/fleet/feed unchanged (If-None-Match): HTTP ${notModified}, ${fmt(unchanged.t)}`);

  // ---- report ------------------------------------------------------------------------------
  const row = (label: string, m: { t: Timing; floor: Timing } | Timing, target?: number) => {
    const [t, f] = "floor" in m ? [m.t, m.floor] : [m, floor];
    const ratio = t.median / f.median;
    return (
      `  ${label.padEnd(56)}${ms(t.median).padStart(10)}  ${`${ratio.toFixed(ratio >= 10 ? 0 : 2)}×`.padStart(6)}` +
      ("floor" in m ? `  (floor ${ms(f.median)} meanwhile)` : "") +
      (target ? `   target ≤ ${target}×: ${ratio <= target ? "met ✓" : "missed ✗"}` : "")
    );
  };
  console.log(
    [
      "",
      `Heatmap benchmark — ${CELLS} cells × ${services.length} services, ${Number(n).toLocaleString("en")} history rows (medians of ${RUNS} after ${WARMUP} warm-up; each figure timed in turn with the floor)`,
      row("floor: one raw pg query on current state", floor),
      row("data load: loadFleetHealth()", load, 2),
      row("feed, in process: currentFeed() (load, encode, ETag)", encoded, 2),
      row(`GET / full HTML (${page.hops.join(" → ")}, ${(page.bytes / 1024).toFixed(0)} KiB)`, home, 4),
      row(`GET /api/v1/fleet/health (session, ${(apiBytes / 1024).toFixed(0)} KiB)`, api),
      row(`GET /api/v1/fleet/feed (session, ${(feedBody.length / 1024).toFixed(0)} KiB, ${(feedGzip / 1024).toFixed(0)} KiB gzip)`, feed),
      row(`GET /api/v1/fleet/feed unchanged → ${notModified}`, unchanged),
      row("contrast: DISTINCT ON latest sample (history)", distinctOn),
    ].join("\n"),
  );
});
