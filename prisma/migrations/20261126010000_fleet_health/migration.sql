-- Fleet health: telemetry samples, current state per cell × service, rollups for long windows,
-- API capabilities, deployment events, alerts, and settings (thresholds, runbooks, links).

CREATE TYPE "HealthStatus" AS ENUM ('green', 'yellow', 'red', 'no_data');
CREATE TYPE "AlertStatus" AS ENUM ('firing', 'resolved');
CREATE TYPE "AlertSeverity" AS ENUM ('critical', 'warning', 'info');

-- Raw samples: one row per (cell, service, ts). The primary key serves "time range per cell ×
-- service" and makes re-sent samples idempotent; a BRIN index on ts serves retention pruning.
CREATE TABLE "health_samples" (
    "cell_id"    TEXT NOT NULL,
    "service_id" TEXT NOT NULL,
    "ts"         TIMESTAMPTZ(3) NOT NULL,
    "error_rate" DOUBLE PRECISION NOT NULL,
    "p99_ms"     DOUBLE PRECISION NOT NULL,
    "cpu"        DOUBLE PRECISION NOT NULL,
    "rps"        DOUBLE PRECISION NOT NULL,
    "version"    TEXT,
    CONSTRAINT "health_samples_pkey" PRIMARY KEY ("cell_id", "service_id", "ts"),
    CONSTRAINT "health_samples_cell_service_fkey" FOREIGN KEY ("cell_id", "service_id") REFERENCES "cell_services"("cell_id", "service_id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "health_samples_ts_idx" ON "health_samples" USING BRIN ("ts");

-- Current state per cell × service, updated on ingest so the heatmap never scans history.
CREATE TABLE "service_health" (
    "cell_id"              TEXT NOT NULL,
    "service_id"           TEXT NOT NULL,
    "last_sample_at"       TIMESTAMPTZ(3) NOT NULL,
    "error_rate"           DOUBLE PRECISION NOT NULL,
    "p99_ms"               DOUBLE PRECISION NOT NULL,
    "cpu"                  DOUBLE PRECISION NOT NULL,
    "rps"                  DOUBLE PRECISION NOT NULL,
    "status"               "HealthStatus" NOT NULL,
    "status_since"         TIMESTAMPTZ(3) NOT NULL,
    "error_breach_since"   TIMESTAMPTZ(3),
    "latency_breach_since" TIMESTAMPTZ(3),
    CONSTRAINT "service_health_pkey" PRIMARY KEY ("cell_id", "service_id"),
    CONSTRAINT "service_health_cell_service_fkey" FOREIGN KEY ("cell_id", "service_id") REFERENCES "cell_services"("cell_id", "service_id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- 5-minute rollups for charts over long windows (sums so averages stay exact under updates).
CREATE TABLE "health_rollups" (
    "cell_id"        TEXT NOT NULL,
    "service_id"     TEXT NOT NULL,
    "bucket"         TIMESTAMPTZ(3) NOT NULL,
    "samples"        INTEGER NOT NULL,
    "sum_error_rate" DOUBLE PRECISION NOT NULL,
    "max_error_rate" DOUBLE PRECISION NOT NULL,
    "sum_p99_ms"     DOUBLE PRECISION NOT NULL,
    "max_p99_ms"     DOUBLE PRECISION NOT NULL,
    "sum_cpu"        DOUBLE PRECISION NOT NULL,
    "sum_rps"        DOUBLE PRECISION NOT NULL,
    CONSTRAINT "health_rollups_pkey" PRIMARY KEY ("cell_id", "service_id", "bucket"),
    CONSTRAINT "health_rollups_cell_service_fkey" FOREIGN KEY ("cell_id", "service_id") REFERENCES "cell_services"("cell_id", "service_id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "health_rollups_bucket_idx" ON "health_rollups" USING BRIN ("bucket");

-- API handler versions each cell × service reports serving (the control plane's cellMetadata).
CREATE TABLE "api_capabilities" (
    "cell_id"          TEXT NOT NULL,
    "service_id"       TEXT NOT NULL,
    "api_version"      TEXT NOT NULL,
    "first_reported_at" TIMESTAMPTZ(3) NOT NULL,
    "last_reported_at"  TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "api_capabilities_pkey" PRIMARY KEY ("cell_id", "service_id", "api_version"),
    CONSTRAINT "api_capabilities_cell_service_fkey" FOREIGN KEY ("cell_id", "service_id") REFERENCES "cell_services"("cell_id", "service_id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- Observed version changes, as reported by the cells.
CREATE TABLE "deployment_events" (
    "id"           BIGSERIAL NOT NULL,
    "cell_id"      TEXT NOT NULL,
    "service_id"   TEXT NOT NULL,
    "from_version" TEXT,
    "to_version"   TEXT NOT NULL,
    "at"           TIMESTAMPTZ(3) NOT NULL,
    "source"       TEXT NOT NULL,
    CONSTRAINT "deployment_events_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "deployment_events_cell_service_fkey" FOREIGN KEY ("cell_id", "service_id") REFERENCES "cell_services"("cell_id", "service_id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "deployment_events_cell_id_at_idx" ON "deployment_events"("cell_id", "at" DESC);

-- Alerts: from threshold rules (source 'rule') or external systems (POST /api/v1/alerts).
-- At most one firing alert per dedup key; a resolved one stays as history.
CREATE TABLE "alerts" (
    "id"           BIGSERIAL NOT NULL,
    "type"         TEXT NOT NULL,
    "cell_id"      TEXT NOT NULL,
    "service_id"   TEXT,
    "severity"     "AlertSeverity" NOT NULL,
    "summary"      TEXT NOT NULL,
    "status"       "AlertStatus" NOT NULL,
    "dedup_key"    TEXT NOT NULL,
    "source"       TEXT NOT NULL,
    "started_at"   TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "resolved_at"  TIMESTAMPTZ(3),
    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "alerts_cell_id_fkey" FOREIGN KEY ("cell_id") REFERENCES "cells"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "alerts_firing_dedup_key_key" ON "alerts"("dedup_key") WHERE "status" = 'firing';
CREATE INDEX "alerts_status_type_idx" ON "alerts"("status", "type");
CREATE INDEX "alerts_cell_id_started_at_idx" ON "alerts"("cell_id", "started_at" DESC);

-- Settings edited by admins: thresholds, retention, log/trace URL templates.
CREATE TABLE "settings" (
    "key"        TEXT NOT NULL,
    "value"      JSONB NOT NULL,
    "version"    INTEGER NOT NULL DEFAULT 1,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" TEXT NOT NULL,
    CONSTRAINT "settings_pkey" PRIMARY KEY ("key")
);

-- Runbooks: one template for every cell, parameterised by {cell}, {region}, {service}, {tier}.
CREATE TABLE "runbooks" (
    "id"         TEXT NOT NULL,
    "title"      TEXT NOT NULL,
    "service_id" TEXT,
    "body"       TEXT NOT NULL,
    "version"    INTEGER NOT NULL DEFAULT 1,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" TEXT NOT NULL,
    CONSTRAINT "runbooks_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "runbooks_service_id_fkey" FOREIGN KEY ("service_id") REFERENCES "services"("id") ON DELETE SET NULL ON UPDATE CASCADE
);

INSERT INTO "runbooks" ("id", "title", "service_id", "body", "updated_by") VALUES
('high-error-rate', 'High error rate in a cell', NULL,
'1. Check the heatmap for {cell} ({region}): is one service red or all of them?
2. Compare with the other cells in {region}: a regional problem points at the provider, not the release.
3. If a release wave touched {cell} in the last hour, pause it and roll back only this wave.
4. Drain new sign-ups away from {cell}: `cellctl drain --cell {cell} --reason "high error rate"`.
5. Page the owning team with the cell id {cell} and the affected customers from the cell view.', 'system:seed'),
('service-latency', 'Latency regression in one service', NULL,
'1. Open {service} in {cell}: did p99 rise together with RPS (load) or alone (regression)?
2. Read the traces for {service} in {cell}, filtered on the slowest endpoints.
3. Compare {service} with the same service in another {tier} cell on the same version.
4. If the regression follows a deploy, roll back {service} in {cell} only.', 'system:seed'),
('cell-silent', 'Cell stopped reporting', NULL,
'1. Is {cell} reachable? `cellctl ping --cell {cell} --region {region}`.
2. Check the telemetry agent on {cell}: `kubectl --context {cell} -n observability get pods`.
3. If the cell is serving traffic but not reporting, treat it as healthy-unknown; do not roll releases into it until it reports again.', 'system:seed');
