import "server-only";
import type pg from "pg";
import { databaseUrl } from "@/lib/env";
import { createPool, createPrisma, type Db } from "./client";

const g = globalThis as unknown as { cellplanePrisma?: Db; cellplanePool?: pg.Pool };

/** The app's one Prisma client (kept across hot reloads in development). */
export function db(): Db {
  g.cellplanePrisma ??= createPrisma(databaseUrl());
  return g.cellplanePrisma;
}

/** The app's one raw pool, for set-based SQL on hot paths. */
export function pool(): pg.Pool {
  g.cellplanePool ??= createPool(databaseUrl(), 10);
  return g.cellplanePool;
}
