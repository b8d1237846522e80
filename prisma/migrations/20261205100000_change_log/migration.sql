-- The plane's change log: every change that can affect a cell, one row per cell it affects (or one
-- row with no cell for a change that affects every cell: the edge, freezes, settings). Rows are
-- derived from what each domain already stores — audit events (written through the door, in the
-- same transaction), observed version changes and migration cell phases (the triggers below), and
-- time passing (scheduled flag steps, freezes and maintenance windows starting and ending: the
-- ticker's change projector). See lib/changes/.
CREATE TABLE "change_events" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "kind" TEXT NOT NULL,
    "cell_id" TEXT,
    "services" TEXT[] NOT NULL DEFAULT '{}',
    "summary" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "link" TEXT,
    "before" JSONB,
    "after" JSONB,
    "source" TEXT NOT NULL,

    CONSTRAINT "change_events_pkey" PRIMARY KEY ("id")
);

-- A cell's timeline (and the API's cell filters): newest first, keyset pagination on (at, id).
CREATE INDEX "change_events_cell_id_at_id_idx" ON "change_events"("cell_id", "at" DESC, "id" DESC);
-- Changes that affect every cell, merged into every cell's timeline.
CREATE INDEX "change_events_fleet_at_id_idx" ON "change_events"("at" DESC, "id" DESC) WHERE "cell_id" IS NULL;
-- The fleet-wide timeline.
CREATE INDEX "change_events_at_id_idx" ON "change_events"("at" DESC, "id" DESC);
-- Filters across the fleet by kind ("version changes") and by who made them.
CREATE INDEX "change_events_kind_at_id_idx" ON "change_events"("kind", "at" DESC, "id" DESC);
CREATE INDEX "change_events_actor_at_id_idx" ON "change_events"("actor", "at" DESC, "id" DESC);
-- One row per origin, cell and services: re-deriving the same origin (the projector's overlap) adds nothing.
CREATE UNIQUE INDEX "change_events_source_key" ON "change_events"("source", (coalesce("cell_id", '')), "services");

-- What each flag is, in effect, on each cell where it is not simply off: the effective percentage
-- there (0 outside its targeting) and how many allowlisted customers are homed there. A flag change
-- (or a scheduled step passing) is the difference between this and the flag's new state, per cell.
CREATE TABLE "flag_cell_states" (
    "flag_key" TEXT NOT NULL,
    "cell_id" TEXT NOT NULL,
    "percentage" INTEGER NOT NULL,
    "allowlisted" INTEGER NOT NULL,

    CONSTRAINT "flag_cell_states_pkey" PRIMARY KEY ("flag_key", "cell_id"),
    CONSTRAINT "flag_cell_states_flag_key_fkey" FOREIGN KEY ("flag_key") REFERENCES "feature_flags"("key") ON DELETE CASCADE ON UPDATE CASCADE
);

-- How far the change projector has looked at time passing (`until`), per kind of source.
CREATE TABLE "change_watermarks" (
    "name" TEXT NOT NULL,
    "until" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "change_watermarks_pkey" PRIMARY KEY ("name")
);

-- An observed version change (telemetry) is a change on its cell, in the transaction that records it.
CREATE FUNCTION "change_from_deployment_event"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "change_events" ("at", "kind", "cell_id", "services", "summary", "actor", "link", "before", "after", "source")
  VALUES (NEW."at", 'version', NEW."cell_id", ARRAY[NEW."service_id"],
          NEW."service_id" || ' ' || coalesce(NEW."from_version", '—') || ' → ' || NEW."to_version" || ' now running',
          'cell:' || NEW."cell_id",
          '/cells/' || NEW."cell_id" || '/services/' || NEW."service_id",
          jsonb_build_object('version', NEW."from_version"),
          jsonb_build_object('version', NEW."to_version", 'reportedBy', NEW."source"),
          'deployment:' || NEW."id")
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
CREATE TRIGGER "deployment_events_change" AFTER INSERT ON "deployment_events"
  FOR EACH ROW EXECUTE FUNCTION "change_from_deployment_event"();

-- A migration phase starting, finishing, failing or rolling back on a cell — whoever moved it (the
-- orchestrator, the direct runner, a cell's agent) — is a change on that cell.
CREATE FUNCTION "change_from_migration_cell"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  happened TIMESTAMPTZ(3) := coalesce(
    CASE WHEN NEW."status" = 'running' THEN NEW."started_at" ELSE NEW."finished_at" END, NEW."updated_at", now());
  word TEXT := CASE NEW."status" WHEN 'running' THEN 'started' WHEN 'complete' THEN 'finished' ELSE replace(NEW."status", '_', ' ') END;
BEGIN
  INSERT INTO "change_events" ("at", "kind", "cell_id", "services", "summary", "actor", "link", "before", "after", "source")
  VALUES (happened, 'migration', NEW."cell_id", '{}',
          'migration ' || NEW."run_id" || ': ' || NEW."phase" || ' ' || word,
          'migration:' || NEW."run_id",
          '/migrations/' || NEW."run_id",
          jsonb_build_object('migration', NEW."run_id", 'phase', NEW."phase", 'status', OLD."status"),
          jsonb_build_object('migration', NEW."run_id", 'phase', NEW."phase", 'status', NEW."status"),
          'migration_cell:' || NEW."run_id" || '/' || NEW."phase" || '/' || NEW."status" || '@' || (extract(epoch FROM happened) * 1000)::bigint)
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
CREATE TRIGGER "migration_cells_change" AFTER UPDATE OF "status" ON "migration_cells"
  FOR EACH ROW WHEN (OLD."status" IS DISTINCT FROM NEW."status" AND NEW."status" <> 'pending')
  EXECUTE FUNCTION "change_from_migration_cell"();

-- The observed version changes already recorded become the change log's first rows.
INSERT INTO "change_events" ("at", "kind", "cell_id", "services", "summary", "actor", "link", "before", "after", "source")
SELECT d."at", 'version', d."cell_id", ARRAY[d."service_id"],
       d."service_id" || ' ' || coalesce(d."from_version", '—') || ' → ' || d."to_version" || ' now running',
       'cell:' || d."cell_id", '/cells/' || d."cell_id" || '/services/' || d."service_id",
       jsonb_build_object('version', d."from_version"), jsonb_build_object('version', d."to_version", 'reportedBy', d."source"),
       'deployment:' || d."id"
  FROM "deployment_events" d;
