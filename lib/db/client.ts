// Creates Prisma clients on the PostgreSQL driver adapter. The app uses the singleton in
// lib/db/index.ts; scripts (start, CLI, seed) and tests create their own with a URL.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";

export type Db = PrismaClient;
/** A Prisma transaction client: what domain store functions take so they compose in one transaction. */
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

export function createPrisma(connectionString: string, max = 10): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max }) });
}

import pg from "pg";

/**
 * A plain node-postgres pool for set-based hot paths (telemetry ingest, heatmap load).
 * `asyncCommit`: this pool's commits do not wait for the WAL flush (synchronous_commit = off), for
 * streams where a crash may lose the last fraction of a second and the next writes replace it.
 */
export function createPool(connectionString: string, max = 10, opts: { asyncCommit?: boolean } = {}): pg.Pool {
  return new pg.Pool({
    connectionString,
    max,
    application_name: "cellplane",
    ...(opts.asyncCommit ? { options: "-c synchronous_commit=off" } : {}),
  });
}
