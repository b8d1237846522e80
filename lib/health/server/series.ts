// Time series for charts: fine windows from raw samples, long windows from 5-minute rollups.
import type pg from "pg";
import type { Point } from "../compact-series";

export const WINDOWS = { "1h": 3600_000, "6h": 6 * 3600_000, "24h": 24 * 3600_000 } as const;
export type Window = keyof typeof WINDOWS;

/** A chart point: one definition, with the compact form that carries it to the browser. */
export type { Point } from "../compact-series";

/** Bucket size for a window: cell view (coarser) or service view (finer). */
export function bucketFor(window: Window, fine: boolean): { source: "raw" | "rollup"; bucketMs: number } {
  if (window === "1h") return fine ? { source: "raw", bucketMs: 15_000 } : { source: "raw", bucketMs: 60_000 };
  if (window === "6h") return fine ? { source: "raw", bucketMs: 60_000 } : { source: "rollup", bucketMs: 5 * 60_000 };
  return fine ? { source: "rollup", bucketMs: 5 * 60_000 } : { source: "rollup", bucketMs: 15 * 60_000 };
}

/** Points from `from` on, in buckets of `bucketMs`, from raw samples or from the 5-minute rollups. */
export async function loadSeriesFrom(
  pool: Pick<pg.Pool, "query">,
  cellId: string,
  services: string[],
  from: Date,
  bucketMs: number,
  source: "raw" | "rollup",
): Promise<Record<string, Point[]>> {
  const interval = `${bucketMs / 1000} seconds`;
  const sql =
    source === "raw"
      ? `SELECT service_id, date_bin($4::interval, ts, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS b,
                avg(error_rate) AS e, max(p99_ms) AS p, avg(cpu) AS c, avg(rps) AS r
           FROM health_samples
          WHERE cell_id = $1 AND service_id = ANY($2::text[]) AND ts >= $3
          GROUP BY 1, 2 ORDER BY 1, 2`
      : `SELECT service_id, date_bin($4::interval, bucket, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS b,
                sum(sum_error_rate) / sum(samples) AS e, max(max_p99_ms) AS p, sum(sum_cpu) / sum(samples) AS c, sum(sum_rps) / sum(samples) AS r
           FROM health_rollups
          WHERE cell_id = $1 AND service_id = ANY($2::text[]) AND bucket >= $3
          GROUP BY 1, 2 ORDER BY 1, 2`;
  const { rows } = await pool.query<{ service_id: string; b: Date; e: number; p: number; c: number; r: number }>(sql, [
    cellId,
    services,
    from,
    interval,
  ]);
  const out: Record<string, Point[]> = Object.fromEntries(services.map((s) => [s, []]));
  for (const r of rows)
    out[r.service_id]!.push({ t: r.b.getTime(), errorRate: Number(r.e), p99Ms: Number(r.p), cpu: Number(r.c), rps: Number(r.r) });
  return out;
}
