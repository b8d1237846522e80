-- Wave-based rollouts: pipelines, releases (state document + optimistic version), approvals,
-- check results, notifications/webhook deliveries, freezes and maintenance windows.

CREATE TYPE "ReleaseStatus" AS ENUM ('running', 'awaiting_approval', 'paused', 'succeeded', 'rolled_back', 'aborted');
CREATE TYPE "ApprovalDecision" AS ENUM ('approve', 'reject');
CREATE TYPE "DeliveryStatus" AS ENUM ('pending', 'sent', 'failed');

CREATE TABLE "pipelines" (
    "id"          TEXT NOT NULL,
    "name"        TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "format"      TEXT NOT NULL,
    "source"      TEXT NOT NULL,
    "spec"        JSONB NOT NULL,
    "version"     INTEGER NOT NULL DEFAULT 1,
    "created_at"  TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at"  TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by"  TEXT NOT NULL,
    CONSTRAINT "pipelines_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "pipelines_id_format" CHECK ("id" ~ '^[a-z0-9][a-z0-9-]*$')
);

-- A release: the plan resolved at start (cells per wave) and its running state, as one document
-- advanced by the pure engine; every transition is guarded by the row lock and `version`.
CREATE TABLE "releases" (
    "id"           TEXT NOT NULL,
    "title"        TEXT NOT NULL,
    "pipeline_id"  TEXT NOT NULL,
    "versions"     JSONB NOT NULL,
    "status"       "ReleaseStatus" NOT NULL,
    "current_wave" INTEGER NOT NULL DEFAULT 0,
    "doc"          JSONB NOT NULL,
    "version"      INTEGER NOT NULL DEFAULT 1,
    "started_by"   TEXT NOT NULL,
    "started_at"   TIMESTAMPTZ(3) NOT NULL,
    "updated_at"   TIMESTAMPTZ(3) NOT NULL,
    "finished_at"  TIMESTAMPTZ(3),
    CONSTRAINT "releases_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "releases_pipeline_id_fkey" FOREIGN KEY ("pipeline_id") REFERENCES "pipelines"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "releases_status_idx" ON "releases"("status");
CREATE INDEX "releases_started_at_idx" ON "releases"("started_at" DESC);

-- One decision per gate: the unique key makes concurrent approvals produce exactly one row.
CREATE TABLE "release_approvals" (
    "id"         BIGSERIAL NOT NULL,
    "release_id" TEXT NOT NULL,
    "wave"       INTEGER NOT NULL,
    "decision"   "ApprovalDecision" NOT NULL,
    "comment"    TEXT NOT NULL,
    "decided_by" TEXT NOT NULL,
    "decided_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "release_approvals_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "release_approvals_release_id_fkey" FOREIGN KEY ("release_id") REFERENCES "releases"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "release_approvals_release_id_wave_key" ON "release_approvals"("release_id", "wave");

CREATE TABLE "release_check_results" (
    "id"          BIGSERIAL NOT NULL,
    "release_id"  TEXT NOT NULL,
    "wave"        INTEGER NOT NULL,
    "check"       TEXT NOT NULL,
    "passed"      BOOLEAN NOT NULL,
    "measured"    DOUBLE PRECISION,
    "threshold"   DOUBLE PRECISION,
    "unit"        TEXT NOT NULL,
    "detail"      TEXT NOT NULL,
    "window_from" TIMESTAMPTZ(3) NOT NULL,
    "window_to"   TIMESTAMPTZ(3) NOT NULL,
    "at"          TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "release_check_results_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "release_check_results_release_id_fkey" FOREIGN KEY ("release_id") REFERENCES "releases"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "release_check_results_release_id_wave_idx" ON "release_check_results"("release_id", "wave");

-- Outbound deliveries: chat notifications and deploy webhooks, retried with backoff.
CREATE TABLE "deliveries" (
    "id"              BIGSERIAL NOT NULL,
    "kind"            TEXT NOT NULL,
    "release_id"      TEXT,
    "event"           TEXT NOT NULL,
    "target"          TEXT NOT NULL,
    "payload"         JSONB NOT NULL,
    "status"          "DeliveryStatus" NOT NULL DEFAULT 'pending',
    "attempts"        INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL,
    "last_error"      TEXT,
    "created_at"      TIMESTAMPTZ(3) NOT NULL,
    "sent_at"         TIMESTAMPTZ(3),
    CONSTRAINT "deliveries_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "deliveries_release_id_fkey" FOREIGN KEY ("release_id") REFERENCES "releases"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "deliveries_due_idx" ON "deliveries"("next_attempt_at") WHERE "status" = 'pending';
CREATE INDEX "deliveries_release_id_idx" ON "deliveries"("release_id");

-- Fleet-wide freezes: no wave starts deploying while one is in force.
CREATE TABLE "freezes" (
    "id"         BIGSERIAL NOT NULL,
    "starts_at"  TIMESTAMPTZ(3) NOT NULL,
    "ends_at"    TIMESTAMPTZ(3) NOT NULL,
    "reason"     TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "freezes_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "freezes_period" CHECK ("ends_at" > "starts_at")
);

-- Weekly maintenance windows for a cell or a whole tier, in the cell's region's time zone.
CREATE TABLE "maintenance_windows" (
    "id"           BIGSERIAL NOT NULL,
    "scope"        TEXT NOT NULL,
    "weekday"      INTEGER NOT NULL,
    "start_minute" INTEGER NOT NULL,
    "duration_min" INTEGER NOT NULL,
    "created_by"   TEXT NOT NULL,
    "created_at"   TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "maintenance_windows_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "maintenance_windows_weekday" CHECK ("weekday" BETWEEN 1 AND 7),
    CONSTRAINT "maintenance_windows_start" CHECK ("start_minute" BETWEEN 0 AND 1439),
    CONSTRAINT "maintenance_windows_duration" CHECK ("duration_min" BETWEEN 1 AND 1440)
);
