// What /metrics reads when scraped: figures the database holds, and the pools' state.
import type pg from "pg";
import { type AppMetrics, appMetrics } from "./registry";

interface PoolLike {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options?: { max?: number };
}

/** The app's pools, wherever this process created them (lib/db/pools.ts keeps them on globalThis). */
function knownPools(): [string, PoolLike][] {
  const g = globalThis as unknown as { cellplanePools?: { pg: Record<string, PoolLike | undefined> } };
  return Object.entries(g.cellplanePools?.pg ?? {}).flatMap(([name, p]) => (p ? [[name, p] as [string, PoolLike]] : []));
}

async function fromDatabase(m: AppMetrics, db: Pick<pg.Pool, "query">) {
  const { rows } = await db.query<{
    releases: Record<string, number> | null;
    migrations: Record<string, number> | null;
    release_gates: number;
    release_wait: number | null;
    migration_gates: number;
    migration_wait: number | null;
  }>(
    `SELECT (SELECT json_object_agg(status, n) FROM (SELECT status::text AS status, count(*) AS n FROM releases GROUP BY 1) r) AS releases,
            (SELECT json_object_agg(status, n) FROM (SELECT status, count(*) AS n FROM schema_migration_runs GROUP BY 1) x) AS migrations,
            (SELECT count(*)::int FROM releases WHERE status = 'awaiting_approval') AS release_gates,
            (SELECT extract(epoch FROM now() - min(updated_at))::float8 FROM releases WHERE status = 'awaiting_approval') AS release_wait,
            (SELECT count(*)::int FROM schema_migration_runs WHERE status LIKE '%approval%') AS migration_gates,
            (SELECT extract(epoch FROM now() - min(updated_at))::float8 FROM schema_migration_runs WHERE status LIKE '%approval%') AS migration_wait`,
  );
  const r = rows[0]!;
  m.releases.reset();
  for (const [status, n] of Object.entries(r.releases ?? {})) m.releases.set({ status }, Number(n));
  m.migrations.reset();
  for (const [status, n] of Object.entries(r.migrations ?? {})) m.migrations.set({ status }, Number(n));
  m.gatesWaiting.set({ kind: "release" }, r.release_gates);
  m.gatesWaiting.set({ kind: "migration" }, r.migration_gates);
  m.gateWaitSeconds.set({ kind: "release" }, r.release_wait ?? 0);
  m.gateWaitSeconds.set({ kind: "migration" }, r.migration_wait ?? 0);
}

/** The exposition, after reading the database figures through `db` (pools: this process's). */
export async function scrape(db: Pick<pg.Pool, "query">): Promise<{ contentType: string; body: string }> {
  const m = appMetrics();
  for (const [name, p] of knownPools()) {
    m.poolConnections.set({ pool: name, state: "total" }, p.totalCount);
    m.poolConnections.set({ pool: name, state: "idle" }, p.idleCount);
    m.poolConnections.set({ pool: name, state: "waiting" }, p.waitingCount);
    const max = p.options?.max ?? 10;
    m.poolSaturation.set({ pool: name }, max ? (p.totalCount - p.idleCount) / max : 0);
  }
  await fromDatabase(m, db);
  return { contentType: m.registry.contentType, body: await m.registry.metrics() };
}
