import "server-only";
// OFREP's dependencies inside the app: one cached flag source per process, whose per-request
// statement runs on the requests pool (lib/db/pools.ts), the process's token verifier (the one
// token check), and the wall clock.
import { tokenVerifier } from "@/lib/auth/server/tokens";
import { db, pool } from "@/lib/db";
import type { OfrepDeps } from "../ofrep";
import type { FlagSource } from "../snapshot";
import { createFlagSource } from "./source";

const globalForFlags = globalThis as unknown as { cellplaneFlagSource?: FlagSource };

export function ofrepDeps(): OfrepDeps {
  globalForFlags.cellplaneFlagSource ??= createFlagSource(
    db(),
    async (sql, params, name) => (await pool().query({ text: sql, values: params, name })).rows,
  );
  return { source: globalForFlags.cellplaneFlagSource, tokens: tokenVerifier(), now: () => new Date() };
}
