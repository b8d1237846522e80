// Cellplane's own metrics (GET /metrics, Prometheus text format) with prom-client. One registry per
// process, kept on globalThis: the app server's direct telemetry path, Next.js's route bundles and
// the ticker all count into the same objects. Figures that live in the database (releases and
// migrations by state, gates waiting) and the connection pools' state are read when scraped.
import client from "prom-client";

function build() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "cellplane_" });
  const m = {
    registry,
    ingestSamples: new client.Counter({ name: "cellplane_ingest_samples_total", help: "Telemetry samples stored", registers: [registry] }),
    ingestBatches: new client.Counter({
      name: "cellplane_ingest_batches_total",
      help: "Telemetry batches by HTTP status",
      labelNames: ["status"],
      registers: [registry],
    }),
    ingestBatchSeconds: new client.Histogram({
      name: "cellplane_ingest_batch_seconds",
      help: "Time to validate and store one telemetry batch",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    tickerLagSeconds: new client.Gauge({
      name: "cellplane_ticker_lag_seconds",
      help: "How late the ticker started each job, against its period",
      labelNames: ["job"],
      registers: [registry],
    }),
    jobSeconds: new client.Histogram({
      name: "cellplane_job_duration_seconds",
      help: "Duration of background jobs",
      labelNames: ["job", "outcome"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    ofrepEvaluations: new client.Counter({
      name: "cellplane_ofrep_evaluations_total",
      help: "OFREP evaluation requests by endpoint and HTTP status",
      labelNames: ["endpoint", "status"],
      registers: [registry],
    }),
    ofrepSeconds: new client.Histogram({
      name: "cellplane_ofrep_request_seconds",
      help: "OFREP evaluation latency",
      labelNames: ["endpoint"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5],
      registers: [registry],
    }),
    loginRefusals: new client.Counter({
      name: "cellplane_login_throttle_refusals_total",
      help: "Sign-in attempts refused by throttling, by scope",
      labelNames: ["scope"],
      registers: [registry],
    }),
    releases: new client.Gauge({ name: "cellplane_releases", help: "Releases by status", labelNames: ["status"], registers: [registry] }),
    migrations: new client.Gauge({
      name: "cellplane_migration_runs",
      help: "Schema migration runs by status",
      labelNames: ["status"],
      registers: [registry],
    }),
    gatesWaiting: new client.Gauge({
      name: "cellplane_gates_waiting",
      help: "Approval gates waiting",
      labelNames: ["kind"],
      registers: [registry],
    }),
    gateWaitSeconds: new client.Gauge({
      name: "cellplane_gate_wait_seconds",
      help: "How long the oldest waiting gate has waited",
      labelNames: ["kind"],
      registers: [registry],
    }),
    poolConnections: new client.Gauge({
      name: "cellplane_db_pool_connections",
      help: "Connections of the app's PostgreSQL pools by state (waiting: requests queued for a connection)",
      labelNames: ["pool", "state"],
      registers: [registry],
    }),
    poolSaturation: new client.Gauge({
      name: "cellplane_db_pool_saturation_ratio",
      help: "Connections in use over the pool's maximum",
      labelNames: ["pool"],
      registers: [registry],
    }),
  };
  return m;
}

export type AppMetrics = ReturnType<typeof build>;

const g = globalThis as unknown as { cellplaneMetrics?: AppMetrics };

/** This process's metrics. */
export function appMetrics(): AppMetrics {
  g.cellplaneMetrics ??= build();
  return g.cellplaneMetrics;
}
