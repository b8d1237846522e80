import "server-only";
// OFREP's dependencies inside the app: one cached flag source per process, whose per-request
// statement runs on a small `pg` pool of its own (see createFlagSource), and the wall clock.
import pg from "pg";
import { db } from "@/lib/db";
import { databaseUrl } from "@/lib/env";
import type { OfrepDeps } from "../ofrep";
import type { FlagSource } from "../snapshot";
import { createFlagSource } from "./source";

const globalForFlags = globalThis as unknown as { cellplaneFlagSource?: FlagSource };

function createSource(): FlagSource {
  const pool = new pg.Pool({ connectionString: databaseUrl(), max: 4, application_name: "cellplane-ofrep" });
  pool.on("error", (e) => console.error("[ofrep] idle connection error:", e.message));
  return createFlagSource(db(), async (sql, params, name) => (await pool.query({ text: sql, values: params, name })).rows);
}

export function ofrepDeps(): OfrepDeps {
  globalForFlags.cellplaneFlagSource ??= createSource();
  return { source: globalForFlags.cellplaneFlagSource, now: () => new Date() };
}
