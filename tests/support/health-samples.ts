// Telemetry samples and the current-state row they lead to, for the tests of the ingest path: one
// cell × service reading at a number of seconds after a fixed instant, green unless told otherwise.
import type { Sample } from "@/lib/health/telemetry";
import type { TestDatabase } from "./db";

const T0 = Date.parse("2026-06-01T12:00:00Z");

/** The instant `s` seconds after the samples' fixed start. */
export const at = (s: number) => new Date(T0 + s * 1000);

/** Readings well inside every default threshold. */
const green = { errorRate: 0.0002, p99Ms: 150, cpu: 0.3, rps: 100 };

/** Readings with a 5 % error rate: red by the default thresholds. */
export const redErr = { errorRate: 0.05, p99Ms: 150, cpu: 0.3, rps: 100 };

/** One sample of `cell` × `service` at `sec` seconds: green, with `v` over it. */
export const sample = (cell: string, service: string, sec: number, v: Partial<Sample> = {}): Sample => ({
  cell,
  service,
  ts: at(sec),
  ...green,
  ...v,
});

/** The service_health row of `cell` × `service` (undefined when there is none). */
export const serviceHealth = async (db: Pick<TestDatabase, "query">, cell: string, service: string) =>
  (
    await db.query<{
      status: string;
      status_since: Date;
      last_sample_at: Date;
      error_rate: number;
      error_breach_since: Date | null;
      latency_breach_since: Date | null;
    }>(
      `SELECT status::text AS status, status_since, last_sample_at, error_rate, error_breach_since, latency_breach_since FROM service_health WHERE cell_id = $1 AND service_id = $2`,
      [cell, service],
    )
  )[0];
