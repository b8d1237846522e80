// Creates Prisma clients and plain pools on the PostgreSQL driver adapter. The app's own pools —
// one per purpose, sized from CELLPLANE_DB_POOL — are made once per process in lib/db/pools.ts;
// scripts (start, CLI, seed) and tests create their own with a URL.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "@/lib/generated/prisma/client";

export type Db = PrismaClient;
/** A Prisma transaction client: what domain store functions take so they compose in one transaction. */
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/**
 * A Prisma client on its own pool of `max` connections, or on an existing pool (`waitMs`: how long
 * an interactive transaction waits for a connection before it fails with P2028 — see lib/db/busy.ts).
 */
export function createPrisma(connection: string | pg.Pool, max = 10, opts: { waitMs?: number } = {}): PrismaClient {
  const adapter = new PrismaPg(
    typeof connection === "string"
      ? { connectionString: connection, max, ...(opts.waitMs ? { connectionTimeoutMillis: opts.waitMs } : {}) }
      : connection,
  );
  return new PrismaClient({ adapter, ...(opts.waitMs ? { transactionOptions: { maxWait: opts.waitMs } } : {}) });
}

export interface PoolOptions {
  /** `application_name`, as pg_stat_activity shows it. */
  name?: string;
  /**
   * Commits do not wait for the WAL flush (synchronous_commit = off), for streams where a crash may
   * lose the last fraction of a second and the next writes replace it.
   */
  asyncCommit?: boolean;
  /** How long a query waits for a free connection before failing (0: forever, pg's default). */
  waitMs?: number;
}

/** A plain node-postgres pool, for set-based SQL on hot paths (telemetry ingest, heatmap load, token checks). */
export function createPool(connectionString: string, max = 10, opts: PoolOptions = {}): pg.Pool {
  return new pg.Pool({
    connectionString,
    max,
    application_name: opts.name ?? "cellplane",
    ...(opts.waitMs ? { connectionTimeoutMillis: opts.waitMs } : {}),
    ...(opts.asyncCommit ? { options: "-c synchronous_commit=off" } : {}),
  });
}
