-- Backfill, one primary-key batch at a time. The batch contract:
--   * the directive below names the table and its integer primary key the runner walks;
--   * the runner passes the batch bounds as $1 (exclusive lower) and $2 (inclusive upper), batches
--     of `checkpoint_interval` rows, and commits the statement together with its checkpoint (kept
--     in the cell's own database), so a crash resumes at the last checkpoint with no row skipped
--     or done twice. `recipient_id IS NULL` also keeps a re-run harmless.
-- cellplane: table=messages key=id
UPDATE messages SET recipient_id = to_phone WHERE id > $1 AND id <= $2 AND recipient_id IS NULL
