-- Per-cell schema migrations: each cell advances through the phases on its own.
--   remaining / verified_at  a backfill's verification: rows still to do when last counted (direct
--                            mode: the script's own predicate in the cell's database; agent mode:
--                            total - rows of the final report). A cell's later phases wait for 0.
--   held                     what holds the cell in this phase from outside the migration (red health
--                            pausing its backfill, schema drift before its next phase), for the pages.
ALTER TABLE "migration_cells" ADD COLUMN "remaining" BIGINT;
ALTER TABLE "migration_cells" ADD COLUMN "verified_at" TIMESTAMPTZ(3);
ALTER TABLE "migration_cells" ADD COLUMN "held" TEXT;
ALTER TABLE "migration_cells" ADD CONSTRAINT "migration_cells_remaining_check" CHECK ("remaining" IS NULL OR "remaining" >= 0);

-- The last schema check of each direct-mode cell in a run: the columns of the migrated tables it
-- found, and how they differ from what the phases applied so far imply (null: no drift).
CREATE TABLE "migration_schema_checks" (
    "run_id"     TEXT NOT NULL,
    "cell_id"    TEXT NOT NULL,
    "checked_at" TIMESTAMPTZ(3) NOT NULL,
    "columns"    JSONB NOT NULL,
    "drift"      TEXT,
    CONSTRAINT "migration_schema_checks_pkey" PRIMARY KEY ("run_id", "cell_id"),
    CONSTRAINT "migration_schema_checks_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "schema_migration_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
