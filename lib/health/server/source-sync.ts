// With an external health source (Prometheus), the leader folds the fleet's newest readings into the
// current-state table every few seconds: one query per signal for the whole fleet, then the same
// state update telemetry ingest makes (status and since-when, breach times for alert rules, observed
// versions and deployment events), without history rows — Prometheus keeps the history. Pages, the
// live feed and alert rules read that state, so open tabs and replicas add no load on Prometheus.
import type pg from "pg";
import { pairKey } from "../current-state";
import type { HealthSource } from "../sources/types";
import type { Sample } from "../telemetry";
import type { Thresholds } from "../thresholds";
import { ingestSamples, type IngestOutcome } from "./ingest";

export interface SyncOutcome extends Pick<IngestOutcome, "versionChanges"> {
  /** Pairs the source had a reading for. */
  read: number;
  /** Of those, pairs the registry has (others — cells Cellplane does not know — are left out). */
  known: number;
}

export async function syncCurrentState(pool: Pick<pg.Pool, "query">, source: HealthSource, t: Thresholds, now: Date): Promise<SyncOutcome> {
  const [readings, { rows }] = await Promise.all([
    source.current(now),
    pool.query<{ cell_id: string; service_id: string }>(
      `SELECT cs.cell_id, cs.service_id FROM cell_services cs JOIN cells c ON c.id = cs.cell_id WHERE c.status <> 'retired'`,
    ),
  ]);
  const known = new Set(rows.map((r) => pairKey(r.cell_id, r.service_id)));
  const samples: Sample[] = [];
  for (const r of readings) {
    if (!known.has(pairKey(r.cell, r.service))) continue;
    samples.push({
      cell: r.cell,
      service: r.service,
      ts: r.at,
      errorRate: r.errorRate,
      p99Ms: r.p99Ms,
      cpu: r.cpu,
      rps: r.rps,
      ...(r.version ? { version: r.version } : {}),
    });
  }
  if (samples.length === 0) return { read: readings.length, known: 0, versionChanges: [] };
  const out = await ingestSamples(pool, samples, t, { source: source.kind, history: false, now });
  return { read: readings.length, known: samples.length, versionChanges: out.versionChanges };
}
