-- Expand-contract schema migrations, cell by cell. A run is one imported manifest: its source, the
-- parsed spec, and the orchestrator's document (`doc`, guarded by `version` under a row lock).
-- Each cell's state per phase lives in migration_cells, written by the orchestrator (what may
-- start), by direct mode (Cellplane running the SQL) and by cell agents (progress reports, ordered
-- by `last_report_seq`).

CREATE TABLE "schema_migration_runs" (
    "id"            TEXT NOT NULL,
    "description"   TEXT NOT NULL DEFAULT '',
    "source"        TEXT NOT NULL,
    "spec"          JSONB NOT NULL,
    "doc"           JSONB NOT NULL,
    "status"        TEXT NOT NULL,
    "current_phase" TEXT,
    "imported_by"   TEXT NOT NULL,
    "imported_at"   TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_by"    TEXT,
    "started_at"    TIMESTAMPTZ(3),
    "finished_at"   TIMESTAMPTZ(3),
    "updated_at"    TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "version"       INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT "schema_migration_runs_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "schema_migration_runs_status_check" CHECK ("status" IN ('ready', 'running', 'awaiting_approval', 'failed', 'rolling_back', 'rolled_back', 'succeeded'))
);
CREATE INDEX "schema_migration_runs_status_idx" ON "schema_migration_runs" ("status");

CREATE TABLE "migration_cells" (
    "run_id"          TEXT NOT NULL,
    "cell_id"         TEXT NOT NULL,
    "phase"           TEXT NOT NULL,
    "status"          TEXT NOT NULL DEFAULT 'pending',
    "rows_done"       BIGINT NOT NULL DEFAULT 0,
    "rows_total"      BIGINT,
    "last_checkpoint" TEXT,
    "rate"            DOUBLE PRECISION,
    "error"           TEXT,
    "last_report_seq" BIGINT NOT NULL DEFAULT 0,
    "started_at"      TIMESTAMPTZ(3),
    "finished_at"     TIMESTAMPTZ(3),
    "updated_at"      TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "migration_cells_pkey" PRIMARY KEY ("run_id", "cell_id", "phase"),
    CONSTRAINT "migration_cells_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "schema_migration_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "migration_cells_status_check" CHECK ("status" IN ('pending', 'running', 'complete', 'failed', 'rolling_back', 'rolled_back', 'stopped')),
    CONSTRAINT "migration_cells_rows_check" CHECK ("rows_done" >= 0 AND ("rows_total" IS NULL OR "rows_total" >= 0))
);
CREATE INDEX "migration_cells_status_idx" ON "migration_cells" ("status");

-- One decision per gate (phase, step): two clicks → one approval.
CREATE TABLE "migration_approvals" (
    "id"         BIGSERIAL NOT NULL,
    "run_id"     TEXT NOT NULL,
    "phase"      INTEGER NOT NULL,
    "step"       INTEGER NOT NULL,
    "decision"   TEXT NOT NULL,
    "comment"    TEXT NOT NULL,
    "decided_by" TEXT NOT NULL,
    "decided_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "migration_approvals_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "migration_approvals_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "schema_migration_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "migration_approvals_decision_check" CHECK ("decision" IN ('approve', 'reject'))
);
CREATE UNIQUE INDEX "migration_approvals_run_id_phase_step_key" ON "migration_approvals" ("run_id", "phase", "step");

-- How Cellplane reaches a cell's own database in direct mode. The URL holds a secret: it is never
-- rendered in the UI or returned by an API. A cell without a row runs migrations in agent mode.
CREATE TABLE "cell_databases" (
    "cell_id"    TEXT NOT NULL,
    "url"        TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "cell_databases_pkey" PRIMARY KEY ("cell_id"),
    CONSTRAINT "cell_databases_cell_id_fkey" FOREIGN KEY ("cell_id") REFERENCES "cells"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
