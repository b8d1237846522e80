-- The registry's generation: a counter bumped in the transaction of every change to which cells,
-- services and cell × service pairs exist (and which cells are retired), and of every deletion of
-- current-state rows. Telemetry ingest keeps the registry in memory and sends the generation it
-- holds with each batch; the batch's statement writes only when that is still the generation, so
-- checks made in memory are as good as checks made in the statement.
INSERT INTO "system_markers" ("key", "value") VALUES ('registry.generation', '1');

CREATE FUNCTION "bump_registry_generation"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "system_markers" SET "value" = ("value"::bigint + 1)::text, "at" = now() WHERE "key" = 'registry.generation';
  RETURN NULL;
END
$$;

CREATE TRIGGER "cells_registry_generation" AFTER INSERT OR DELETE OR UPDATE OF "id", "status" ON "cells"
  FOR EACH STATEMENT EXECUTE FUNCTION "bump_registry_generation"();
CREATE TRIGGER "cells_registry_generation_truncate" AFTER TRUNCATE ON "cells"
  FOR EACH STATEMENT EXECUTE FUNCTION "bump_registry_generation"();
CREATE TRIGGER "services_registry_generation" AFTER INSERT OR DELETE OR UPDATE OF "id" ON "services"
  FOR EACH STATEMENT EXECUTE FUNCTION "bump_registry_generation"();
CREATE TRIGGER "services_registry_generation_truncate" AFTER TRUNCATE ON "services"
  FOR EACH STATEMENT EXECUTE FUNCTION "bump_registry_generation"();
CREATE TRIGGER "cell_services_registry_generation" AFTER INSERT OR DELETE OR UPDATE OF "cell_id", "service_id" ON "cell_services"
  FOR EACH STATEMENT EXECUTE FUNCTION "bump_registry_generation"();
CREATE TRIGGER "cell_services_registry_generation_truncate" AFTER TRUNCATE ON "cell_services"
  FOR EACH STATEMENT EXECUTE FUNCTION "bump_registry_generation"();
CREATE TRIGGER "service_health_registry_generation" AFTER DELETE ON "service_health"
  FOR EACH STATEMENT EXECUTE FUNCTION "bump_registry_generation"();
CREATE TRIGGER "service_health_registry_generation_truncate" AFTER TRUNCATE ON "service_health"
  FOR EACH STATEMENT EXECUTE FUNCTION "bump_registry_generation"();
