import "server-only";
import { databaseUrl } from "@/lib/env";
import { createPrisma, type Db } from "./client";

const globalForPrisma = globalThis as unknown as { cellplanePrisma?: Db };

/** The app's one Prisma client (kept across hot reloads in development). */
export function db(): Db {
  globalForPrisma.cellplanePrisma ??= createPrisma(databaseUrl());
  return globalForPrisma.cellplanePrisma;
}
