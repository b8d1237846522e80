import "server-only";
// The app's database handles, by purpose (the pools themselves: lib/db/pools.ts).
import type pg from "pg";
import type { Db } from "./client";
import { appPool, appPrisma } from "./pools";

/** Prisma for requests: pages, server actions, API routes. */
export function db(): Db {
  return appPrisma("requests");
}

/** Raw SQL for requests, on the same pool as db(): set-based reads on hot paths (heatmap, charts, OFREP, tokens). */
export function pool(): pg.Pool {
  return appPool("requests");
}

/** Telemetry ingest's pool: its commits do not wait for the WAL flush. Nothing else writes through it. */
export function telemetryPool(): pg.Pool {
  return appPool("telemetry");
}

/** Prisma for background jobs (the ticker), on a small pool of its own that requests cannot exhaust. */
export function backgroundDb(): Db {
  return appPrisma("background");
}
