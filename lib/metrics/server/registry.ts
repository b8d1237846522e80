// Cellplane's own metrics (GET /metrics, Prometheus text format) with prom-client. One registry per
// process, kept on globalThis: the app server's direct telemetry path, Next.js's route bundles and
// the ticker all count into the same objects. Figures that live in the database (releases and
// migrations by state, gates waiting) and the connection pools' state are read when scraped.
import client from "prom-client";

function build() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "cellplane_" });
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: L[] = []) =>
    new client.Counter({ name, help, labelNames, registers });
  const gauge = <L extends string>(name: string, help: string, labelNames: L[] = []) =>
    new client.Gauge({ name, help, labelNames, registers });
  const histogram = <L extends string>(name: string, help: string, buckets: number[], labelNames: L[] = []) =>
    new client.Histogram({ name, help, labelNames, buckets, registers });
  const m = {
    registry,
    ingestSamples: counter("cellplane_ingest_samples_total", "Telemetry samples stored"),
    ingestBatches: counter("cellplane_ingest_batches_total", "Telemetry batches by HTTP status", ["status"]),
    ingestBatchSeconds: histogram(
      "cellplane_ingest_batch_seconds",
      "Time to validate and store one telemetry batch",
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    ),
    tickerLagSeconds: gauge("cellplane_ticker_lag_seconds", "How late the ticker started each job, against its period", ["job"]),
    jobSeconds: histogram(
      "cellplane_job_duration_seconds",
      "Duration of background jobs",
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      ["job", "outcome"],
    ),
    ofrepEvaluations: counter("cellplane_ofrep_evaluations_total", "OFREP evaluation requests by endpoint and HTTP status", [
      "endpoint",
      "status",
    ]),
    ofrepSeconds: histogram(
      "cellplane_ofrep_request_seconds",
      "OFREP evaluation latency",
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5],
      ["endpoint"],
    ),
    loginRefusals: counter("cellplane_login_throttle_refusals_total", "Sign-in attempts refused by throttling, by scope", ["scope"]),
    releases: gauge("cellplane_releases", "Releases by status", ["status"]),
    migrations: gauge("cellplane_migration_runs", "Schema migration runs by status", ["status"]),
    gatesWaiting: gauge("cellplane_gates_waiting", "Approval gates waiting", ["kind"]),
    gateWaitSeconds: gauge("cellplane_gate_wait_seconds", "How long the oldest waiting gate has waited", ["kind"]),
    poolConnections: gauge(
      "cellplane_db_pool_connections",
      "Connections of the app's PostgreSQL pools by state (waiting: requests queued for a connection)",
      ["pool", "state"],
    ),
    poolSaturation: gauge("cellplane_db_pool_saturation_ratio", "Connections in use over the pool's maximum", ["pool"]),
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
