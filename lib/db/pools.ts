// Every connection an app process opens to the main database, in one place. Three pools, named by
// purpose and sized from CELLPLANE_DB_POOL (lib/env.ts), plus the ticker's one election connection:
//
//   requests    Prisma and raw SQL of pages, server actions, API routes, OFREP and token checks
//               (default 10)
//   telemetry   telemetry ingest only: commits do not wait for the WAL flush (default 6)
//   background  the ticker's jobs (bakes, checks, alert rules, rollups, deliveries, migration
//               steps), so a burst of users cannot starve them, nor they the users (default 3)
//   + 1         the ticker's advisory-lock connection (lib/worker/server/ticker.ts)
//
// Defaults: 10 + 6 + 3 + 1 = 20 connections per replica at most (the migration runner's
// connections go to the cells' own databases, not this one). A request that finds its pool full
// waits `wait` seconds (default 10) for a connection, then fails with an error isPoolBusy (lib/errors.ts)
// recognises, answered "busy, retry" (503 + Retry-After, or BUSY from a server action).
//
// The pools are kept on globalThis: the app server (scripts/serve.ts, its direct telemetry path)
// and Next.js's server bundle run in one process and share them, as do hot reloads in development.
// No `server-only` here, so that scripts/serve.ts (plain Node.js) can import this module.
import type pg from "pg";
import { databaseUrl, env, type DbPoolSizes } from "@/lib/env";
import { createPool, createPrisma, type Db } from "./client";

export type PoolPurpose = "requests" | "telemetry" | "background";

interface AppPools {
  sizes: DbPoolSizes;
  pg: Partial<Record<PoolPurpose, pg.Pool>>;
  prisma: Partial<Record<"requests" | "background", Db>>;
}

const g = globalThis as unknown as { cellplanePools?: AppPools };

function state(): AppPools {
  g.cellplanePools ??= { sizes: env().CELLPLANE_DB_POOL, pg: {}, prisma: {} };
  return g.cellplanePools;
}

/** The sizes in force in this process. */
export function poolSizes(): DbPoolSizes {
  return state().sizes;
}

/** Connections this process may open to the main database at most (the pools plus the ticker's election connection). */
export function connectionBudget(sizes: DbPoolSizes = poolSizes()): number {
  return sizes.requests + sizes.telemetry + sizes.background + 1;
}

/** The plain pool of a purpose (created on first use; connections open lazily). */
export function appPool(purpose: PoolPurpose): pg.Pool {
  const s = state();
  let p = s.pg[purpose];
  if (!p) {
    p = createPool(databaseUrl(), s.sizes[purpose], {
      name: `cellplane-${purpose}`,
      waitMs: s.sizes.waitMs,
      asyncCommit: purpose === "telemetry",
    });
    // An idle connection that fails (the database restarted, say) is dropped by the pool; say so instead of crashing.
    p.on("error", (e) => console.error(`[db] idle ${purpose} connection: ${e.message}`));
    s.pg[purpose] = p;
  }
  return p;
}

/** The Prisma client of a purpose, on that purpose's pool (so Prisma and raw SQL share one budget). */
export function appPrisma(purpose: "requests" | "background"): Db {
  const s = state();
  s.prisma[purpose] ??= createPrisma(appPool(purpose), 0, { waitMs: s.sizes.waitMs });
  return s.prisma[purpose];
}

/** Close every pool of this process (shutdown, tests). */
export async function closePools(): Promise<void> {
  const s = g.cellplanePools;
  if (!s) return;
  g.cellplanePools = undefined;
  await Promise.all(Object.values(s.prisma).map((p) => p.$disconnect().catch(() => {})));
  await Promise.all(Object.values(s.pg).map((p) => p.end().catch(() => {})));
}
