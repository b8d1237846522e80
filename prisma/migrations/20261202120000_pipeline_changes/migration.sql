-- Pending pipeline changes: an import that removes or weakens an approval gate, removes checks or
-- changes notify targets waits here for a release manager or admin other than its proposer
-- (four-eyes). Approving applies it as a new version of the pipeline; either decision is final.
CREATE TABLE "pipeline_changes" (
    "id" BIGSERIAL NOT NULL,
    "pipeline_id" TEXT NOT NULL,
    "base_version" INTEGER NOT NULL,
    "format" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "spec" JSONB NOT NULL,
    "changes" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "proposed_by" TEXT NOT NULL,
    "proposed_at" TIMESTAMPTZ(3) NOT NULL,
    "decided_by" TEXT,
    "decided_at" TIMESTAMPTZ(3),
    "comment" TEXT,

    CONSTRAINT "pipeline_changes_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "pipeline_changes_status_check" CHECK ("status" IN ('pending', 'approved', 'rejected'))
);

CREATE INDEX "pipeline_changes_status_proposed_at_idx" ON "pipeline_changes" ("status", "proposed_at");
CREATE INDEX "pipeline_changes_pipeline_id_idx" ON "pipeline_changes" ("pipeline_id");
