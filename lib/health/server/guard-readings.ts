// What guards read from the samples table: per cell (or pooled) over a window, the samples, the
// requests they stand for, the failed requests and the traffic-weighted p99 — the definitions of
// lib/rollouts/guards.ts (`summarise`), computed in one SQL statement so a wave of hundreds of cells
// is a few rows, not every sample. tests/integration/guards.test.ts checks both agree. With an
// external health source in force (Prometheus) the readings are its window means instead, turned
// into readings by `readingsFromMeans` (`guardReadings`).
// No `server-only`: the CLI and the ticker import the release store that calls it.
import type { Db, Tx } from "@/lib/db/client";
import { type GuardAlert, GUARD_DEFAULTS, type Reading, readingsFromMeans } from "@/lib/rollouts/guards";
import { externalSourceIn } from "../sources/server/current";

export interface ReadingQuery {
  cells: readonly string[];
  /** Services and the version each must report (null: any version). */
  series: readonly { service: string; version: string | null }[];
  from: Date;
  to: Date;
  /** true: one reading for every cell together (a baseline), under the key "*". */
  pooled?: boolean;
}

const MAX_S = GUARD_DEFAULTS.maxSampleSeconds;
const FIRST_S = GUARD_DEFAULTS.firstSampleSeconds;

// The look-back before `from` only finds each series' predecessor (how long the first sample stands for).
const READINGS_SQL = `
  WITH v AS (SELECT * FROM unnest($1::text[], $2::text[]) AS v(service_id, version)),
  s AS (
    SELECT s.cell_id, s.ts, s.error_rate, s.p99_ms, s.rps,
           lag(s.ts) OVER (PARTITION BY s.cell_id, s.service_id ORDER BY s.ts) AS prev
      FROM health_samples s
      JOIN v ON v.service_id = s.service_id AND (v.version IS NULL OR v.version = s.version)
     WHERE s.cell_id = ANY($3::text[]) AND s.ts >= $4::timestamptz - interval '${MAX_S} seconds' AND s.ts <= $5::timestamptz
  ),
  w AS (
    SELECT CASE WHEN $6::boolean THEN '*' ELSE cell_id END AS k, error_rate, p99_ms,
           greatest(rps, 0) * CASE WHEN prev IS NOT NULL AND ts - prev <= interval '${MAX_S} seconds'
                                   THEN extract(epoch FROM ts - prev)::float8 ELSE ${FIRST_S} END AS req
      FROM s WHERE ts >= $4::timestamptz
  ),
  c AS (
    SELECT k, error_rate, p99_ms, req,
           sum(req) OVER (PARTITION BY k ORDER BY p99_ms ROWS UNBOUNDED PRECEDING) AS cum,
           sum(req) OVER (PARTITION BY k) AS tot
      FROM w
  )
  SELECT k, count(*)::int AS samples, sum(req)::float8 AS requests, sum(error_rate * req)::float8 AS errors,
         min(p99_ms) FILTER (WHERE tot > 0 AND cum > 0.99 * tot) AS p99
    FROM c GROUP BY k`;

/** Readings over [from, to] per cell (or pooled under "*"): cells without samples are absent. */
export async function windowReadings(db: Db | Tx, q: ReadingQuery): Promise<Record<string, Reading>> {
  if (q.cells.length === 0 || q.series.length === 0) return {};
  const rows = await db.$queryRawUnsafe<{ k: string; samples: number; requests: number; errors: number; p99: number | null }[]>(
    READINGS_SQL,
    q.series.map((s) => s.service),
    q.series.map((s) => s.version),
    [...q.cells],
    q.from,
    q.to,
    q.pooled ?? false,
  );
  return Object.fromEntries(
    rows.map((r) => [
      r.k,
      { samples: r.samples, requests: Number(r.requests), errors: Number(r.errors), p99Ms: r.p99 === null ? null : Number(r.p99) },
    ]),
  );
}

/** Readings over [from, to] through the health source in force: the samples here, or an external source's means. */
export async function guardReadings(db: Db | Tx, q: ReadingQuery): Promise<Record<string, Reading>> {
  const source = externalSourceIn(db);
  if (!source) return windowReadings(db, q);
  if (q.cells.length === 0 || q.series.length === 0) return {};
  const services = [...new Set(q.series.map((x) => x.service))];
  const means = await source.readings([...q.cells], services, { from: q.from, to: q.to }, q.to);
  return readingsFromMeans(means, q.series, Math.max(q.to.getTime() - q.from.getTime(), 0) / 1000, q.pooled);
}

/** Alerts on `cells` overlapping [from, to], with their times (the guard picks each check's window). */
export async function alertsOverlapping(db: Db | Tx, cells: readonly string[], from: Date, to: Date): Promise<GuardAlert[]> {
  if (cells.length === 0) return [];
  const rows = await db.alert.findMany({
    where: { cellId: { in: [...cells] }, startedAt: { lte: to }, OR: [{ resolvedAt: null }, { resolvedAt: { gte: from } }] },
    select: { type: true, severity: true, cellId: true, startedAt: true, resolvedAt: true },
  });
  return rows.map((a) => ({
    type: a.type,
    severity: a.severity,
    cellId: a.cellId,
    startedAt: a.startedAt.toISOString(),
    resolvedAt: a.resolvedAt?.toISOString() ?? null,
  }));
}
