-- Protected flags and their change requests. A protected flag's changes by a person (everything but
-- switching it off) are not applied: they wait here for a product owner or admin other than the
-- requester (four-eyes). Approving applies the change iff the flag is still at `base_version`.
ALTER TABLE "feature_flags" ADD COLUMN "protected" BOOLEAN NOT NULL DEFAULT false;

CREATE TABLE "flag_change_requests" (
    "id" BIGSERIAL NOT NULL,
    "flag_key" TEXT NOT NULL,
    "base_version" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "patch" JSONB NOT NULL,
    "before" JSONB NOT NULL,
    "after" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "requested_by" TEXT NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL,
    "request_comment" TEXT NOT NULL DEFAULT '',
    "decided_by" TEXT,
    "decided_at" TIMESTAMPTZ(3),
    "decision_comment" TEXT,

    CONSTRAINT "flag_change_requests_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "flag_change_requests_status_check" CHECK ("status" IN ('pending', 'approved', 'rejected')),
    CONSTRAINT "flag_change_requests_flag_key_fkey" FOREIGN KEY ("flag_key") REFERENCES "feature_flags"("key") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE INDEX "flag_change_requests_status_requested_at_idx" ON "flag_change_requests" ("status", "requested_at");
CREATE INDEX "flag_change_requests_flag_key_idx" ON "flag_change_requests" ("flag_key");
