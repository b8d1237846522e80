import "server-only";
import type pg from "pg";
import { databaseUrl } from "@/lib/env";
import { createPool, createPrisma, type Db } from "./client";

const g = globalThis as unknown as { cellplanePrisma?: Db; cellplanePool?: pg.Pool; cellplaneTelemetryPool?: pg.Pool };

/** The app's one Prisma client (kept across hot reloads in development). */
export function db(): Db {
  g.cellplanePrisma ??= createPrisma(databaseUrl());
  return g.cellplanePrisma;
}

/** The app's one raw pool, for set-based SQL on hot paths. */
export function pool(): pg.Pool {
  g.cellplanePool ??= logIdleErrors(createPool(databaseUrl(), 10));
  return g.cellplanePool;
}

/** An idle connection that fails (the database restarted, say) is dropped by the pool; say so instead of crashing. */
function logIdleErrors(p: pg.Pool): pg.Pool {
  p.on("error", (e) => console.error(`[db] idle database connection: ${e.message}`));
  return p;
}

/**
 * Telemetry ingest's pool: its commits do not wait for the WAL flush. Telemetry is a stream; a
 * database crash may lose the last fraction of a second of samples, and the next samples replace
 * them. Nothing else writes through it.
 */
export function telemetryPool(): pg.Pool {
  g.cellplaneTelemetryPool ??= logIdleErrors(createPool(databaseUrl(), 6, { asyncCommit: true }));
  return g.cellplaneTelemetryPool;
}
