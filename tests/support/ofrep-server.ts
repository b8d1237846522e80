// Serves the OFREP handlers (lib/flags/ofrep.ts) over real HTTP on a random loopback port, against a
// test database, with an injectable clock: what the Next route handlers do with the app's
// dependencies (lib/flags/server/ofrep-deps.ts) — the flag source's statement on a small pg pool,
// the one token verifier — minus Next. Bodies stream as Next hands them (tests/support/route-server.ts).
import pg from "pg";
import { createTokenVerifier, poolRows } from "@/lib/auth/server/tokens";
import type { Db } from "@/lib/db/client";
import { handleEvaluateFlag, handleEvaluateFlags, type OfrepDeps } from "@/lib/flags/ofrep";
import { createFlagSource, type SqlQuery } from "@/lib/flags/server/source";
import { type Reads, startRouteServer } from "./route-server";

export interface OfrepTestServer {
  baseUrl: string;
  clock: { now: Date };
  reads: Map<string, Reads>;
  close: () => Promise<void>;
}

/** Like the app (lib/flags/server/ofrep-deps.ts). `query` may wrap the statement (to count or fail it). */
export async function startOfrepServer(
  db: Db,
  url: string,
  now = new Date(),
  wrap: (q: SqlQuery) => SqlQuery = (q) => q,
): Promise<OfrepTestServer> {
  const clock = { now };
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const query: SqlQuery = async (sql, params, name) => (await pool.query({ text: sql, values: params, name })).rows;
  const deps: OfrepDeps = {
    source: createFlagSource(db, wrap(query)),
    tokens: createTokenVerifier(poolRows(pool)),
    now: () => clock.now,
  };
  const srv = await startRouteServer([
    {
      method: "POST",
      pattern: /^\/ofrep\/v1\/evaluate\/flags\/([^/]+)$/,
      keys: ["key"],
      handler: async (req, ctx) => handleEvaluateFlag(req, (await ctx.params).key!, deps),
    },
    { method: "POST", pattern: /^\/ofrep\/v1\/evaluate\/flags$/, handler: async (req) => handleEvaluateFlags(req, deps) },
  ]);
  return {
    baseUrl: srv.baseUrl,
    clock,
    reads: srv.reads,
    close: async () => {
      await srv.close();
      await pool.end();
    },
  };
}
