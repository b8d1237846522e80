// `npm run bench:changes`: does a busy cell's page with a 24-hour timeline cost about what reading
// its changes costs?
//
// Seeds a scratch database with the demo fleet (16 cells), 24 hours of 1-minute samples and their
// rollups, and ≥ 5,000 change events over the last 24 hours through the change store — 500 of them
// on one busy cell, the rest spread over the fleet, some for every cell — then measures in one run
// (medians after warm-up):
//   floor      one raw `pg` query for the same events: the busy cell's changes (and those to every
//              cell) in the last 24 hours, newest first
//   data load  listChanges() — what the cell page, its markers and GET /api/v1/changes call
//   GET /cells/<busy>?window=24h   the cell page, signed in: the time until the timeline's HTML has
//              arrived (the page streams; the charts, state card, alerts and runbooks follow in the
//              same response) and until the full HTML has
//   GET /cells/<quiet>?window=24h  the same page for a cell with no change of its own (what the rest of the page costs)
//   the timeline's added time      busy − quiet, to the timeline's HTML and to the full HTML
//   API        GET /api/v1/changes?cell=<busy>&since=… with the session cookie
// Every HTTP run is paired with a floor query just before it, so each ratio compares with the floor
// measured in the same moments on a machine whose load moves. Prints the plan of the API's
// statements (no sequential scan; no audit or sample rows read). `--profile`: the app server also
// records when each read of the cell page starts and ends (lib/changes/server/profile.ts) and the
// bench prints the medians, the page's breakdown.
// Target: the page ≤ 2× floor (reported honestly either way, with the page's cost beside the timeline).
import fs from "node:fs";
import path from "node:path";
import { audited } from "@/lib/audit/server/record";
import { createUser } from "@/lib/auth/server/users";
import { CHANGE_KINDS, type ChangeFilter, type ChangeInput } from "@/lib/changes/model";
import { changesSql, NO_FILTER, poolSql, resolveCells, selectChanges } from "@/lib/changes/server/read";
import { insertChanges } from "@/lib/changes/server/store";
import { createPrisma } from "@/lib/db/client";
import { seedDemo } from "@/lib/fleet/server/seed";
import { seedDemoFlags } from "@/lib/flags/server/seed";
import {
  benchPool,
  Cleanup,
  fmt,
  getPage,
  log,
  measure,
  ms,
  productionServer,
  scratchDatabase,
  serverBenchArgs,
  signIn,
  type Timing,
} from "./bench-support";
import { ROOT } from "./runtime";

const args = serverBenchArgs("bench-changes", 3167, 54367, { events: "6000", "busy-events": "500", runs: "15", warmup: "3" }, ["profile"]);
const EVENTS = Number(args.events),
  BUSY_EVENTS = Number(args["busy-events"]),
  RUNS = Number(args.runs),
  WARMUP = Number(args.warmup);
const ADMIN = { email: "bench-admin@cellplane.local", password: "bench-password" };
const BUSY = "smb-us-1";
const QUIET = "enterprise-eu-standard";
const DAY = 24 * 3_600_000;

/** The floor: one raw query for the busy cell's timeline, the same rows the page shows. */
const FLOOR_SQL = `
  SELECT id, at, kind, cell_id, services, summary, actor, link, before, after, source
    FROM change_events
   WHERE (cell_id = $1 OR cell_id IS NULL) AND at >= $2
   ORDER BY at DESC, id DESC
   LIMIT 501`;

const SERVICES = ["sms", "voice", "video", "whatsapp", "email"];

function changes(now: number, cells: string[]): ChangeInput[] {
  return Array.from({ length: EVENTS }, (_, i) => {
    const kind = CHANGE_KINDS[i % CHANGE_KINDS.length]!;
    const busy = i < BUSY_EVENTS;
    const cell = busy ? BUSY : i % 25 === 0 ? null : cells.filter((c) => c !== BUSY && c !== QUIET)[i % (cells.length - 2)]!;
    const service = SERVICES[i % SERVICES.length]!;
    return {
      at: new Date(now - Math.floor(((i * 7919) % EVENTS) * (DAY / EVENTS)) - 1_000),
      kind,
      cell,
      services: kind === "flag" || kind === "freeze" ? [] : [service],
      summary: kind === "version" ? `${service} v2.${i % 9}.0 → v2.${(i % 9) + 1}.0 now running` : `${kind} change ${i}`,
      actor: i % 3 === 0 ? "release@cellplane.local" : "system:ticker",
      link: kind === "deploy" ? `/releases/rel-bench-${i % 40}` : null,
      before: { version: `v2.${i % 9}.0` },
      after: { version: `v2.${(i % 9) + 1}.0` },
      source: `bench:${i}`,
    };
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const timing = (xs: number[]): Timing => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs.length });

/** Whether the cell timeline's HTML (its list, or its "no change" line) is in `html`. */
function timelineIn(html: string): boolean {
  const at = html.indexOf('data-testid="timeline-kinds"');
  if (at < 0) return false;
  const rest = html.slice(at);
  const list = rest.indexOf('data-testid="cell-timeline"');
  return (list >= 0 && rest.indexOf("</ol>", list) >= 0) || rest.includes("No change in this window.");
}

/** GET a page, reading its body as it streams: times to the first byte, to the timeline's HTML, to the end. */
async function streamed(base: string, pathname: string, cookie: string) {
  const t0 = performance.now();
  const res = await fetch(new URL(pathname, base), { headers: { cookie }, redirect: "manual" });
  const firstByte = performance.now() - t0;
  if (res.status !== 200) throw new Error(`GET ${pathname}: HTTP ${res.status}`);
  const decoder = new TextDecoder();
  let html = "",
    timeline = Number.NaN;
  for await (const chunk of res.body!) {
    html += decoder.decode(chunk as Uint8Array, { stream: true });
    if (Number.isNaN(timeline) && timelineIn(html)) timeline = performance.now() - t0;
  }
  const total = performance.now() - t0;
  if (Number.isNaN(timeline)) throw new Error(`GET ${pathname}: no timeline in the page`);
  return { firstByte, timeline, total, bytes: Buffer.byteLength(html), html };
}

const cleanup = new Cleanup();

await cleanup.guard(async () => {
  const pg = await scratchDatabase(args["data-dir"]!, Number(args["pg-port"]), cleanup);
  const pool = benchPool(pg.url, 4, cleanup);
  const prisma = createPrisma(pg.url, 2);
  cleanup.add("prisma", () => prisma.$disconnect());

  // ---- seed -------------------------------------------------------------------------------
  const t0 = Date.now();
  await seedDemo(prisma, "bench-unused");
  await seedDemoFlags(prisma);
  const cells = (await prisma.cell.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((c) => c.id);
  const now = Math.floor(Date.now() / 60_000) * 60_000;
  await pool.query(
    `INSERT INTO health_samples (cell_id, service_id, ts, error_rate, p99_ms, cpu, rps, version)
     SELECT cs.cell_id, cs.service_id, g.ts, 0.0001 + 0.0003 * random(), 120 + 200 * random(), 0.2 + 0.4 * random(), 50 + 500 * random(), cs.observed_version
       FROM cell_services cs CROSS JOIN generate_series($1::timestamptz, $2::timestamptz, interval '1 minute') AS g(ts)`,
    [new Date(now - DAY).toISOString(), new Date(now).toISOString()],
  );
  await pool.query(
    `INSERT INTO health_rollups (cell_id, service_id, bucket, samples, sum_error_rate, max_error_rate, sum_p99_ms, max_p99_ms, sum_cpu, sum_rps)
     SELECT cell_id, service_id, date_bin('5 minutes', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00'), count(*)::int,
            sum(error_rate), max(error_rate), sum(p99_ms), max(p99_ms), sum(cpu), sum(rps)
       FROM health_samples GROUP BY 1, 2, 3`,
  );
  const seeded = changes(now, cells);
  for (let i = 0; i < seeded.length; i += 1000) await insertChanges(prisma, seeded.slice(i, i + 1000));
  await pool.query("VACUUM ANALYZE");
  const [{ total, busy }] = (
    await pool.query<{ total: string; busy: string }>(
      `SELECT count(*) AS total, count(*) FILTER (WHERE cell_id = $1 OR cell_id IS NULL) AS busy FROM change_events WHERE at >= $2`,
      [BUSY, new Date(now - DAY)],
    )
  ).rows as [{ total: string; busy: string }];
  log(
    `seeded the demo fleet, 24 h of samples and ${Number(total).toLocaleString("en")} changes in the last 24 h (${busy} on ${BUSY}, its own and those to every cell) in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  await audited(prisma, "bench", (tx) =>
    createUser(tx, { email: ADMIN.email, name: "Bench Admin", role: "ADMIN", password: ADMIN.password }),
  );

  // ---- plans --------------------------------------------------------------------------------
  const since = new Date(now - DAY);
  const plans: [string, Partial<ChangeFilter>][] = [
    ["a cell's 24 h (page, markers, API)", { cells: [BUSY], since }],
    ["the fleet, newest first (/changes)", { since }],
    ["a tier's cells, one kind", { tiers: ["smb"], kinds: ["version"], since }],
  ];
  for (const [name, f] of plans) {
    const filter = { ...NO_FILTER, limit: 500, ...f };
    const q = changesSql(filter, await resolveCells(poolSql(pool), filter));
    const { rows } = await pool.query<{ "QUERY PLAN": string }>(
      `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${q.text}`,
      q.params,
    );
    const plan = rows.map((r) => r["QUERY PLAN"]);
    const seq = plan.filter((l) => /Seq Scan on (change_events|audit_events|health_samples)/.test(l));
    log(`plan — ${name}: ${seq.length ? `SEQUENTIAL SCAN ✗ ${seq.join("; ")}` : "index scans only ✓"}`);
    for (const l of plan.filter((l) => /Scan|Append|Limit|Sort|Merge/.test(l))) console.log(`    ${l.trim()}`);
  }

  // ---- measure in process -----------------------------------------------------------------
  let rows = 0;
  const floor = await measure(RUNS, WARMUP, async () => {
    rows = (await pool.query(FLOOR_SQL, [BUSY, new Date(Date.now() - DAY)])).rowCount ?? 0;
  });
  log(`floor (raw pg, ${rows} rows): ${fmt(floor)}`);
  const load = await measure(RUNS, WARMUP, () =>
    selectChanges(poolSql(pool), { ...NO_FILTER, cells: [BUSY], since: new Date(Date.now() - DAY), limit: 500 }),
  );
  log(`data load (listChanges, 500 rows): ${fmt(load)}`);

  // ---- measure over HTTP ------------------------------------------------------------------
  const profileFile = path.resolve(ROOT, args["data-dir"]!, "page-profile.jsonl");
  const base = await productionServer(pg.url, Number(args.port), cleanup, args.profile ? { CELLPLANE_PAGE_PROFILE: profileFile } : {});
  const cookie = await signIn(base, ADMIN.email, ADMIN.password);
  const floorNow = async () => {
    const t0 = performance.now();
    await pool.query(FLOOR_SQL, [BUSY, new Date(Date.now() - DAY)]);
    return performance.now() - t0;
  };
  /**
   * `RUNS` of each page, in turn (busy, quiet, busy, …: both see the same moments of a machine whose
   * load moves), each just after a floor query; the profile of each page's runs when asked.
   */
  const timePages = async (pathnames: string[]) => {
    for (let i = 0; i < WARMUP; i++) for (const p of pathnames) await streamed(base, p, cookie);
    const floors = pathnames.map(() => [] as number[]),
      runs = pathnames.map(() => [] as Awaited<ReturnType<typeof streamed>>[]),
      profiles = pathnames.map(() => "");
    for (let i = 0; i < RUNS; i++)
      for (const [j, p] of pathnames.entries()) {
        floors[j]!.push(await floorNow());
        fs.rmSync(profileFile, { force: true });
        runs[j]!.push(await streamed(base, p, cookie));
        if (args.profile && fs.existsSync(profileFile)) profiles[j] += fs.readFileSync(profileFile, "utf8");
      }
    return pathnames.map((_, j) => ({
      floor: timing(floors[j]!),
      firstByte: timing(runs[j]!.map((r) => r.firstByte)),
      timeline: timing(runs[j]!.map((r) => r.timeline)),
      total: timing(runs[j]!.map((r) => r.total)),
      bytes: runs[j]![0]!.bytes,
      profile: readProfile(profiles[j]!),
      html: runs[j]![0]!.html,
      runs: runs[j]!,
    }));
  };
  const [busyPage, quietPage] = (await timePages([`/cells/${BUSY}?window=24h`, `/cells/${QUIET}?window=24h`])) as [
    Awaited<ReturnType<typeof timePages>>[number],
    Awaited<ReturnType<typeof timePages>>[number],
  ];
  if (args.profile) fs.writeFileSync(path.resolve(ROOT, args["data-dir"]!, "busy-page.html"), busyPage.html);
  log(
    `GET /cells/${BUSY}?window=24h (${(busyPage.bytes / 1024).toFixed(0)} KiB of HTML): timeline ${fmt(busyPage.timeline)}; full ${fmt(busyPage.total)}`,
  );
  log(
    `GET /cells/${QUIET}?window=24h (${(quietPage.bytes / 1024).toFixed(0)} KiB of HTML): timeline ${fmt(quietPage.timeline)}; full ${fmt(quietPage.total)}`,
  );
  if (args.profile) fs.writeFileSync(path.resolve(ROOT, args["data-dir"]!, "quiet-page.html"), quietPage.html);
  // What any signed-in page costs here: an unknown cell's 404 inside the app shell (proxy, session,
  // the dashboard layout and its approvals badge, one read, the not-found page rendered and streamed).
  const shellFloors: number[] = [],
    shellRuns: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const fl = await floorNow();
    const t0 = performance.now();
    const res = await fetch(new URL("/cells/no-such-cell", base), { headers: { cookie }, redirect: "manual" });
    await res.arrayBuffer();
    if (res.status !== 404) throw new Error(`GET /cells/no-such-cell: HTTP ${res.status}, not 404`);
    if (i >= WARMUP) {
      shellFloors.push(fl);
      shellRuns.push(performance.now() - t0);
    }
  }
  const appShell = { floor: timing(shellFloors), t: timing(shellRuns) };
  log(`GET /cells/no-such-cell (404 in the app shell): ${fmt(appShell.t)}`);
  const apiPath = `/api/v1/changes?cell=${BUSY}&since=${since.toISOString()}&limit=500`;
  let apiBytes = 0;
  const api = await measure(RUNS, WARMUP, async () => {
    const page = await getPage(base, apiPath, cookie);
    if (page.status !== 200) throw new Error(`GET ${apiPath} ended at ${page.url} with HTTP ${page.status}`);
    apiBytes = page.bytes;
  });
  log(`GET /api/v1/changes?cell=${BUSY} (500 rows, ${(apiBytes / 1024).toFixed(0)} KiB of JSON): ${fmt(api)}`);
  for (const [name, p] of [
    [BUSY, busyPage],
    [QUIET, quietPage],
  ] as const)
    if (p.profile.length) {
      console.log(`\nWhere GET /cells/${name}?window=24h spends its server time (medians of ${RUNS}, ms since the page began):`);
      for (const r of p.profile)
        console.log(`  ${r.label.padEnd(28)} ${ms(r.start).padStart(10)} → ${ms(r.end).padStart(10)}  (${ms(r.end - r.start)})`);
      console.log(
        `  first byte at the client ${ms(p.firstByte.median).padStart(10)}; timeline's HTML ${ms(p.timeline.median)}; all of it ${ms(p.total.median)}`,
      );
    }

  // ---- report ------------------------------------------------------------------------------
  type T = { median: number; min: number };
  const ratioText = (r: number) => `${r.toFixed(r >= 10 ? 0 : 2)}×`;
  /** Median and its ratio to the floor's median; then the minimum and its ratio to the floor's minimum (less moved by load). */
  const row = (label: string, t: T, f: T, target?: number) => {
    const r = t.median / f.median;
    return (
      `  ${label.padEnd(70)}${ms(t.median).padStart(10)} ${ratioText(r).padStart(6)}   min ${ms(t.min).padStart(9)} ${ratioText(t.min / f.min).padStart(6)}` +
      (target ? `   target ≤ ${target}×: ${r <= target ? "met ✓" : "missed ✗"}` : "")
    );
  };
  /** What the busy page adds: the median of the differences of runs made one after the other; beside it, the difference of the minimums. */
  const added = (key: "timeline" | "total"): T => ({
    median: median(busyPage.runs.map((r, i) => r[key] - quietPage.runs[i]![key])),
    min: busyPage[key].min - quietPage[key].min,
  });
  const mean = (a: T, b: T): T => ({ median: (a.median + b.median) / 2, min: (a.min + b.min) / 2 });
  const f = floor,
    fb = busyPage.floor,
    fq = quietPage.floor,
    fbq = mean(fb, fq);
  console.log(
    [
      "",
      `Changes benchmark — ${Number(total).toLocaleString("en")} changes in 24 h, ${busy} on ${BUSY} (medians of ${RUNS} after ${WARMUP} warm-up; each page's ratio against the floor measured between its runs)`,
      row(`floor: one raw pg query (${rows} rows)`, f, f),
      row("data load: listChanges()", load, f, 2),
      row(`floor, measured between the busy page's runs`, fb, fb),
      row(`GET /cells/${BUSY}?window=24h: first byte`, busyPage.firstByte, fb),
      row(`GET /cells/${BUSY}?window=24h: the timeline's HTML has arrived`, busyPage.timeline, fb, 2),
      row(`GET /cells/${BUSY}?window=24h: full HTML (${(busyPage.bytes / 1024).toFixed(0)} KiB)`, busyPage.total, fb, 2),
      row(`floor, measured between the quiet page's runs`, fq, fq),
      row(`GET /cells/${QUIET}?window=24h: timeline's HTML (no change of its own)`, quietPage.timeline, fq),
      row(`GET /cells/${QUIET}?window=24h: full HTML (${(quietPage.bytes / 1024).toFixed(0)} KiB)`, quietPage.total, fq),
      row("  the busy timeline adds, to the timeline's HTML (busy − quiet, run by run)", added("timeline"), fbq, 2),
      row("  the busy timeline and markers add, to the full HTML (busy − quiet, run by run)", added("total"), fbq, 2),
      row("GET /cells/no-such-cell: any signed-in page's own cost (a 404 in the app shell)", appShell.t, appShell.floor),
      row(`GET /api/v1/changes (500 rows, ${(apiBytes / 1024).toFixed(0)} KiB, session)`, api, fbq),
    ].join("\n"),
  );
});

/** The profile's lines (JSON, one a line), as medians per label (in the order the labels start). */
function readProfile(text: string) {
  const lines = text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { label: string; start: number; end: number });
  const by = new Map<string, { start: number[]; end: number[] }>();
  for (const l of lines) {
    const e = by.get(l.label) ?? { start: [], end: [] };
    e.start.push(l.start);
    e.end.push(l.end);
    by.set(l.label, e);
  }
  return [...by.entries()]
    .map(([label, e]) => ({ label, start: median(e.start), end: median(e.end) }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
}
