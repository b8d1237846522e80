// Background work for the whole deployment, run by exactly one app instance at a time.
//
// Every replica runs this loop; only the one holding a PostgreSQL session-level advisory lock
// (on a dedicated connection) acts. If the leader dies its connection closes, the lock is released
// and another replica takes over on its next attempt. Each job step must itself be idempotent and
// transactional (row locks or optimistic versions), so a step repeated by a new leader is harmless.
import pg from "pg";
import type { Db } from "@/lib/db/client";
import { appMetrics } from "@/lib/metrics/server/registry";
import { redactUrlsInText } from "@/lib/secrets/redact";

export const TICKER_LOCK_KEY = 72_707_369_201;

export interface TickContext {
  db: Db;
  now: Date;
  /** Demo/e2e time compression: durations in the domain are divided by this. */
  timeScale: number;
  /** The database's URL, for jobs that read through a plain pool. */
  databaseUrl: string;
}

export interface Job {
  name: string;
  everyMs: number;
  run: (ctx: TickContext) => Promise<void>;
}

export interface TickerOptions {
  db: Db;
  databaseUrl: string;
  jobs: Job[];
  timeScale: number;
  /** How often a follower retries the lock. */
  electionMs?: number;
  log?: (line: string) => void;
}

export interface Ticker {
  isLeader: () => boolean;
  stop: () => Promise<void>;
  /** Run every job once now (tests, and right after winning the election). */
  runOnce: () => Promise<void>;
}

export function startTicker(opts: TickerOptions): Ticker {
  const log = opts.log ?? ((l: string) => console.log(`[ticker] ${l}`));
  let client: pg.Client | undefined;
  let leader = false;
  let stopped = false;
  const lastRun = new Map<string, number>();
  const running = new Set<string>();
  let timer: NodeJS.Timeout | undefined;

  async function tryLead() {
    if (leader || stopped) return;
    try {
      client ??= await (async () => {
        const c = new pg.Client({ connectionString: opts.databaseUrl, application_name: "cellplane-ticker" });
        c.on("error", () => {
          leader = false;
          client = undefined;
        });
        await c.connect();
        return c;
      })();
      const { rows } = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [TICKER_LOCK_KEY]);
      if (rows[0]?.ok) {
        leader = true;
        log("this instance is the leader");
      }
    } catch (e) {
      log(`election failed: ${(e as Error).message}`);
      await client?.end().catch(() => {});
      client = undefined;
    }
  }

  async function runJob(job: Job, now: Date) {
    if (running.has(job.name)) return; // never overlap a job with itself
    running.add(job.name);
    const previous = lastRun.get(job.name);
    lastRun.set(job.name, now.getTime());
    const m = appMetrics();
    if (previous !== undefined) m.tickerLagSeconds.set({ job: job.name }, Math.max(0, now.getTime() - previous - job.everyMs) / 1000);
    const started = performance.now();
    let outcome = "ok";
    try {
      await job.run({ db: opts.db, now, timeScale: opts.timeScale, databaseUrl: opts.databaseUrl });
    } catch (e) {
      outcome = "error";
      log(`${job.name} failed: ${redactUrlsInText(String((e as Error).stack ?? e))}`); // URLs may be secrets (webhooks)
    } finally {
      running.delete(job.name);
      m.jobSeconds.observe({ job: job.name, outcome }, (performance.now() - started) / 1000);
    }
  }

  async function loop() {
    if (stopped) return;
    await tryLead();
    if (leader) {
      const now = Date.now();
      for (const job of opts.jobs) {
        if (now - (lastRun.get(job.name) ?? 0) >= job.everyMs) void runJob(job, new Date(now));
      }
    }
    timer = setTimeout(loop, leader ? 250 : (opts.electionMs ?? 5_000));
  }
  void loop();

  return {
    isLeader: () => leader,
    runOnce: async () => {
      const now = new Date();
      await Promise.all(opts.jobs.map((j) => runJob(j, now)));
    },
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      while (running.size) await new Promise((r) => setTimeout(r, 50));
      if (client) {
        await client.query("SELECT pg_advisory_unlock_all()").catch(() => {});
        await client.end().catch(() => {});
      }
      leader = false;
    },
  };
}
