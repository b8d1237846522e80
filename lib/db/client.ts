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

/** A plain node-postgres pool for set-based hot paths (telemetry ingest, heatmap load). */
export function createPool(connectionString: string, max = 10): pg.Pool {
  return new pg.Pool({ connectionString, max, application_name: "cellplane" });
}
