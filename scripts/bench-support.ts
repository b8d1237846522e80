// Shared by the benchmarks: a scratch embedded PostgreSQL, the production app server against it,
// signing in through next-auth's credentials API, timing helpers. Benchmarks print figures; no test
// asserts on time.
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { type ParseArgsConfig, parseArgs } from "node:util";
import type pg from "pg";
import { audited } from "@/lib/audit/server/record";
import { createUser } from "@/lib/auth/server/users";
import { createPool, createPrisma, type Db } from "@/lib/db/client";
import { startEmbedded, type EmbeddedServer } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";
import type { FleetCellView } from "@/lib/simulator/engine";
import { APP_PROCESS_TITLE, buildIfStale, ROOT, serveArgs, waitForHttp } from "./runtime";

export { signIn } from "./support/session";

export const log = (line: string) => console.log(`[bench] ${line}`);

/** Things to undo, last first, on success, error or Ctrl-C. */
export class Cleanup {
  private steps: { name: string; run: () => Promise<void> | void }[] = [];
  private running?: Promise<void>;
  add(name: string, run: () => Promise<void> | void) {
    this.steps.push({ name, run });
  }
  /** Undo everything once; a second caller (Ctrl-C while main fails) waits for the same run. */
  run(): Promise<void> {
    this.running ??= (async () => {
      for (const s of this.steps.reverse()) {
        try {
          await s.run();
        } catch (e) {
          console.error(`[bench] cleanup ${s.name}: ${(e as Error).message}`);
        }
      }
    })();
    return this.running;
  }
  /** Run `main`, cleaning up whatever happens; exit 130 on Ctrl-C. */
  async guard(main: () => Promise<void>) {
    const onSignal = () => {
      console.error("[bench] interrupted; cleaning up");
      void this.run().then(() => process.exit(130));
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    let code = 0;
    try {
      await main();
    } catch (e) {
      console.error(`[bench] ${(e as Error).stack ?? e}`);
      code = 1;
    } finally {
      await this.run();
    }
    process.exit(code);
  }
}

/**
 * A raw pool for the benchmark itself. pg-pool's end() resolves before the sockets of its idle
 * clients have closed; PostgreSQL stopping right after may still reach one of them, which is not
 * a failure of the run.
 */
export function benchPool(url: string, max: number, cleanup: Cleanup, opts: { asyncCommit?: boolean } = {}): pg.Pool {
  const pool = createPool(url, max, opts);
  let ending = false;
  pool.on("error", (e) => {
    if (!ending) console.error(`[bench] idle connection: ${e.message}`);
  });
  cleanup.add("pool", () => {
    ending = true;
    return pool.end();
  });
  return pool;
}

/** A fresh scratch cluster in `dataDir` (wiped first), migrated. */
export async function scratchDatabase(dataDir: string, port: number, cleanup: Cleanup): Promise<EmbeddedServer> {
  const abs = path.resolve(ROOT, dataDir);
  const pidFile = path.join(abs, "pg", "postmaster.pid");
  const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]) : NaN;
  if (
    Number.isInteger(pid) &&
    pid > 0 &&
    (() => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    })()
  ) {
    throw new Error(
      `a PostgreSQL from an earlier run still uses ${path.relative(ROOT, abs)} (pid ${pid}); stop it with \`kill -INT ${pid}\` and run again`,
    );
  }
  fs.rmSync(abs, { recursive: true, force: true });
  const server = await startEmbedded({ dataDir: abs, port, database: "cellplane", log: () => {} });
  if (!server.owned) throw new Error(`a PostgreSQL already runs for ${abs}; stop it first`);
  cleanup.add("postgres", () => server.stop());
  await migrate(server.url, path.join(ROOT, "prisma", "migrations"));
  log(`scratch PostgreSQL on 127.0.0.1:${port} (${path.relative(ROOT, abs)})`);
  return server;
}

/** `parseArgs` options that take a value, from their defaults: `{ runs: "5" }` is `--runs N`, 5 when not given. */
export function valueOptions<K extends string>(defaults: Record<K, string>) {
  return Object.fromEntries(Object.entries(defaults).map(([k, v]) => [k, { type: "string", default: v }])) as {
    [P in K]: { type: "string"; default: string };
  };
}

/** The options of a benchmark that serves the app: its port, its scratch PostgreSQL's port and data folder. */
const serverOptions = (name: string, port: number, pgPort: number) =>
  valueOptions({ port: String(port), "pg-port": String(pgPort), "data-dir": `.data/${name}` });

/**
 * The command line of a benchmark that serves the app: its value options (from their defaults), the
 * server options, and switches that are off unless given (`--profile`). Unknown options are refused.
 */
export function serverBenchArgs<K extends string, F extends string = never>(
  name: string,
  port: number,
  pgPort: number,
  defaults: Record<K, string>,
  switches: readonly F[] = [],
) {
  const options: ParseArgsConfig["options"] = {
    ...valueOptions(defaults),
    ...serverOptions(name, port, pgPort),
    ...Object.fromEntries(switches.map((f) => [f, { type: "boolean", default: false }])),
  };
  return parseArgs({ options }).values as {
    [P in K | "port" | "pg-port" | "data-dir"]: string;
  } & { [P in F]: boolean };
}

/** The scratch database of `--data-dir` and `--pg-port`, with a raw pool (4) and a Prisma client (2) on it. */
export async function benchDatabase(args: { "data-dir"?: string; "pg-port"?: string }, cleanup: Cleanup) {
  const pg = await scratchDatabase(args["data-dir"]!, Number(args["pg-port"]), cleanup);
  const pool = benchPool(pg.url, 4, cleanup);
  const prisma = createPrisma(pg.url, 2);
  cleanup.add("prisma", () => prisma.$disconnect());
  return { pg, pool, prisma };
}

/** The admin a benchmark signs in as, to read pages and APIs as a user does. */
export const BENCH_ADMIN = { email: "bench-admin@cellplane.local", password: "bench-password" };

export async function createBenchAdmin(prisma: Db): Promise<void> {
  await audited(prisma, "bench", (tx) =>
    createUser(tx, { email: BENCH_ADMIN.email, name: "Bench Admin", role: "ADMIN", password: BENCH_ADMIN.password }),
  );
}

/**
 * History for every cell × service from `from` to `to`: a sample a minute of healthy random values
 * at the observed version, and their 5-minute rollups.
 */
export async function seedHealthHistory(pool: pg.Pool, from: Date, to: Date) {
  const samples = await pool.query(
    `INSERT INTO health_samples (cell_id, service_id, ts, error_rate, p99_ms, cpu, rps, version)
     SELECT cs.cell_id, cs.service_id, g.ts,
            0.0001 + 0.0003 * random(), 120 + 200 * random(), 0.2 + 0.4 * random(), 50 + 500 * random(), cs.observed_version
       FROM cell_services cs CROSS JOIN generate_series($1::timestamptz, $2::timestamptz, interval '1 minute') AS g(ts)`,
    [from.toISOString(), to.toISOString()],
  );
  await pool.query(
    `INSERT INTO health_rollups (cell_id, service_id, bucket, samples, sum_error_rate, max_error_rate, sum_p99_ms, max_p99_ms, sum_cpu, sum_rps)
     SELECT cell_id, service_id, date_bin('5 minutes', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00'), count(*)::int,
            sum(error_rate), max(error_rate), sum(p99_ms), max(p99_ms), sum(cpu), sum(rps)
       FROM health_samples GROUP BY 1, 2, 3`,
  );
  return samples.rowCount ?? 0;
}

/** The registry's view of generated cells that all run, and are meant to run, the same `versions`. */
export function uniformView(
  cells: readonly { id: string; tier: string; region: string }[],
  versions: Record<string, string>,
): FleetCellView[] {
  return cells.map((c) => ({
    id: c.id,
    tier: c.tier,
    region: c.region,
    services: Object.entries(versions).map(([service, v]) => ({ service, observedVersion: v, desiredVersion: v })),
  }));
}

/** The production build (built first when the sources changed), served by the app server as `npm start` runs it; `env` overrides (e.g. the ticker on). */
export async function productionServer(
  databaseUrl: string,
  port: number,
  cleanup: Cleanup,
  env: Record<string, string> = {},
): Promise<string> {
  buildIfStale(log);
  const base = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, serveArgs(port), {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      NEXTAUTH_SECRET: crypto.randomBytes(32).toString("base64url"),
      NEXTAUTH_URL: `http://localhost:${port}`,
      PORT: String(port),
      CELLPLANE_DEMO: "0",
      // Background jobs off: the figures measure requests, not the ticker running beside them.
      CELLPLANE_TICKER: "0",
      NEXT_TELEMETRY_DISABLED: "1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const rl = [child.stdout, child.stderr].map((s) => readline.createInterface({ input: s! }));
  rl.forEach((r) =>
    r.on("line", (l) => {
      if (/error|warn/i.test(l)) console.log(`[next] ${l}`);
    }),
  );
  cleanup.add("app server", async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(t);
  });
  await waitForHttp(`${base}/login`, 120_000, () => child.exitCode === null);
  log(`app server (production build) on ${base}`);
  return base;
}

/**
 * GET a page with a cookie, following redirects by hand (the cookie goes with every hop): HTTP
 * redirects, and the `<meta http-equiv="refresh">` Next.js streams when a page redirects after its
 * response has begun (a browser follows it too). `hops` lists every URL fetched.
 */
export async function getPage(
  base: string,
  pathname: string,
  cookie: string,
): Promise<{ status: number; url: string; bytes: number; hops: string[] }> {
  let url = new URL(pathname, base).toString();
  const hops: string[] = [];
  for (let hop = 0; hop < 5; hop++) {
    hops.push(new URL(url).pathname);
    const res = await fetch(url, { headers: { cookie }, redirect: "manual" });
    const body = await res.arrayBuffer();
    const loc = res.headers.get("location");
    if (res.status >= 300 && res.status < 400 && loc) {
      url = new URL(loc, url).toString();
      continue;
    }
    const meta = res.headers.get("content-type")?.includes("text/html")
      ? /<meta id="__next-page-redirect" http-equiv="refresh" content="\d+;url=([^"]+)"/.exec(Buffer.from(body).toString("utf8"))
      : null;
    if (meta) {
      url = new URL(meta[1]!.replace(/&amp;/g, "&"), url).toString();
      continue;
    }
    return { status: res.status, url, bytes: body.byteLength, hops };
  }
  throw new Error(`too many redirects from ${pathname}`);
}

export interface Timing {
  median: number;
  min: number;
  max: number;
  runs: number;
}

/** Median of `runs` timed calls after `warmup` untimed ones, in milliseconds. */
export async function measure(runs: number, warmup: number, fn: () => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    xs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  xs.sort((a, b) => a - b);
  const mid = xs.length >> 1;
  const median = xs.length % 2 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
  return { median, min: xs[0]!, max: xs[xs.length - 1]!, runs };
}

/**
 * `fn` timed in turn with `floor` (floor, fn, floor, fn, …): on a machine whose load changes from one
 * second to the next, each is compared with the floor measured in the same moments.
 */
export async function measureAgainst(
  runs: number,
  warmup: number,
  floor: () => Promise<unknown>,
  fn: () => Promise<unknown>,
): Promise<{ t: Timing; floor: Timing }> {
  const a: number[] = [],
    b: number[] = [];
  const time = async (f: () => Promise<unknown>) => {
    const t0 = process.hrtime.bigint();
    await f();
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  for (let i = 0; i < warmup; i++) {
    await floor();
    await fn();
  }
  for (let i = 0; i < runs; i++) {
    a.push(await time(floor));
    b.push(await time(fn));
  }
  const stats = (xs: number[]): Timing => {
    xs.sort((x, y) => x - y);
    const mid = xs.length >> 1;
    return { median: xs.length % 2 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2, min: xs[0]!, max: xs[xs.length - 1]!, runs };
  };
  return { t: stats(b), floor: stats(a) };
}

export const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;
export const fmt = (t: Timing) => `median ${ms(t.median)} (min ${ms(t.min)}, max ${ms(t.max)}, ${t.runs} runs)`;

/**
 * CPU time used so far by this benchmark, the app server and PostgreSQL, process by process, read
 * from /proc (Linux; elsewhere empty). The difference of two snapshots says where a run's CPU went,
 * which on a 2-core machine is what bounds its throughput.
 */
type CpuGroup = "bench" | "app" | "postgres";
export type CpuSnapshot = Map<number, { group: CpuGroup; ms: number }>;
export function cpuSnapshot(): CpuSnapshot {
  const out: CpuSnapshot = new Map();
  let pids: string[] = [];
  try {
    pids = fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  } catch {
    return out;
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ms = ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
    const group: CpuGroup | null =
      Number(pid) === process.pid ? "bench" : comm === APP_PROCESS_TITLE ? "app" : comm === "postgres" ? "postgres" : null;
    if (group) out.set(Number(pid), { group, ms });
  }
  return out;
}

/** "app 1.2 ms · postgres 3.4 ms · bench 0.5 ms" for the CPU used between two snapshots, per `per` units. */
export function cpuSpent(before: CpuSnapshot, after: CpuSnapshot, per: number, unit: string): string {
  // Process by process: one that ended in between (a pool's idle connection closed, an autovacuum
  // worker done) would otherwise take its whole life's CPU off the sum; only its share of the
  // window is missed. A process started in between counts whole.
  const spent: Record<CpuGroup, number> = { app: 0, postgres: 0, bench: 0 };
  for (const [pid, a] of after) spent[a.group] += a.ms - (before.get(pid)?.ms ?? 0);
  return `${(["app", "postgres", "bench"] as const)
    .filter((k) => spent[k] > 0)
    .map((k) => `${k} ${(spent[k] / per).toFixed(1)} ms`)
    .join(" · ")} CPU per ${unit}`;
}
