-- 5-minute rollups are computed by the background ticker instead of on every ingest batch: each
-- sample gets an ever-increasing sequence number, and the job recomputes the buckets of samples
-- it has not seen yet (with an overlap, so late-committing batches are never missed).
ALTER TABLE "health_samples" ADD COLUMN "seq" BIGSERIAL NOT NULL;
CREATE INDEX "health_samples_seq_idx" ON "health_samples" USING BRIN ("seq");

-- The hot path: ingest validates cells and pairs in the same transaction (and cells are retired,
-- never deleted), so samples skip the per-row foreign-key check; a removed cell × service's
-- samples are deleted with it by the fleet import and age out by retention.
ALTER TABLE "health_samples" DROP CONSTRAINT "health_samples_cell_service_fkey";
-- Current state is rewritten on every batch: leave room on each page for HOT updates.
ALTER TABLE "service_health" SET (fillfactor = 50);
