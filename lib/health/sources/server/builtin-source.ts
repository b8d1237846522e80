// The built-in health source: telemetry pushed to POST /api/v1/telemetry, stored in PostgreSQL
// (current state in service_health, history in health_samples and its 5-minute rollups).
import type pg from "pg";
import { loadSeriesFrom } from "../../server/series";
import type { HealthSource, WindowReading } from "../types";

export function builtinSource(pool: Pick<pg.Pool, "query">): HealthSource {
  return {
    kind: "builtin",
    async current() {
      const { rows } = await pool.query<{
        cell: string;
        service: string;
        at: Date;
        error_rate: number;
        p99_ms: number;
        cpu: number;
        rps: number;
        version: string | null;
      }>(
        `SELECT h.cell_id AS cell, h.service_id AS service, h.last_sample_at AS at, h.error_rate, h.p99_ms, h.cpu, h.rps, cs.observed_version AS version
           FROM service_health h JOIN cell_services cs ON cs.cell_id = h.cell_id AND cs.service_id = h.service_id`,
      );
      return rows.map((r) => ({
        cell: r.cell,
        service: r.service,
        at: r.at,
        errorRate: r.error_rate,
        p99Ms: r.p99_ms,
        cpu: r.cpu,
        rps: r.rps,
        version: r.version,
      }));
    },
    async readings(cells, services, window): Promise<WindowReading[]> {
      if (cells.length === 0 || services.length === 0) return [];
      const { rows } = await pool.query<{
        cell_id: string;
        service_id: string;
        version: string | null;
        samples: string;
        e: number | null;
        p: number | null;
        c: number | null;
        r: number | null;
      }>(
        `SELECT cell_id, service_id, version, count(*) AS samples, avg(error_rate) AS e, avg(p99_ms) AS p, avg(cpu) AS c, avg(rps) AS r
           FROM health_samples
          WHERE cell_id = ANY($1::text[]) AND service_id = ANY($2::text[]) AND ts >= $3 AND ts <= $4
          GROUP BY cell_id, service_id, version`,
        [cells, services, window.from, window.to],
      );
      const num = (x: number | null) => (x === null ? null : Number(x));
      return rows.map((r) => ({
        cell: r.cell_id,
        service: r.service_id,
        version: r.version,
        samples: Number(r.samples),
        errorRate: num(r.e),
        p99Ms: num(r.p),
        cpu: num(r.c),
        rps: num(r.r),
      }));
    },
    series(cell, services, window, stepMs) {
      return loadSeriesFrom(pool, cell, services, window.from, stepMs, stepMs >= 5 * 60_000 ? "rollup" : "raw");
    },
  };
}
