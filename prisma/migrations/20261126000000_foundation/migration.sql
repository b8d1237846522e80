-- Foundation: the fleet registry, customers, users, API tokens and the append-only audit log.

CREATE TYPE "Tier" AS ENUM ('canary', 'smb', 'enterprise');
CREATE TYPE "CellStatus" AS ENUM ('active', 'draining', 'retired');
CREATE TYPE "Role" AS ENUM ('VIEWER', 'SRE', 'RELEASE_MANAGER', 'PRODUCT_OWNER', 'ADMIN');

CREATE TABLE "cells" (
    "id"         TEXT         NOT NULL,
    "tier"       "Tier"       NOT NULL,
    "region"     TEXT         NOT NULL,
    "compliance" TEXT[]       NOT NULL DEFAULT ARRAY[]::TEXT[],
    "status"     "CellStatus" NOT NULL DEFAULT 'active',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "cells_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "cells_id_format" CHECK ("id" ~ '^[a-z0-9-]+$')
);
CREATE INDEX "cells_tier_region_idx" ON "cells"("tier", "region");

CREATE TABLE "services" (
    "id"         TEXT    NOT NULL,
    "name"       TEXT    NOT NULL,
    "sort_order" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "services_pkey" PRIMARY KEY ("id")
);

INSERT INTO "services" ("id", "name", "sort_order") VALUES
    ('sms', 'SMS', 1),
    ('voice', 'Voice', 2),
    ('video', 'Video', 3),
    ('whatsapp', 'WhatsApp', 4),
    ('email', 'Email', 5);

CREATE TABLE "cell_services" (
    "cell_id"          TEXT NOT NULL,
    "service_id"       TEXT NOT NULL,
    "desired_version"  TEXT,
    "observed_version" TEXT,
    "updated_at"       TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "cell_services_pkey" PRIMARY KEY ("cell_id", "service_id"),
    CONSTRAINT "cell_services_cell_id_fkey" FOREIGN KEY ("cell_id") REFERENCES "cells"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "cell_services_service_id_fkey" FOREIGN KEY ("service_id") REFERENCES "services"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "cell_services_service_id_observed_version_idx" ON "cell_services"("service_id", "observed_version");

CREATE TABLE "customers" (
    "id"           TEXT NOT NULL,
    "name"         TEXT NOT NULL,
    "plan"         TEXT NOT NULL,
    "home_cell_id" TEXT NOT NULL,
    "created_at"   TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "customers_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "customers_home_cell_id_fkey" FOREIGN KEY ("home_cell_id") REFERENCES "cells"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "customers_home_cell_id_idx" ON "customers"("home_cell_id");

CREATE TABLE "users" (
    "id"            UUID   NOT NULL DEFAULT gen_random_uuid(),
    "email"         TEXT   NOT NULL,
    "name"          TEXT   NOT NULL,
    "role"          "Role" NOT NULL,
    "password_hash" TEXT   NOT NULL,
    "created_at"    TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

CREATE TABLE "api_tokens" (
    "id"           UUID   NOT NULL DEFAULT gen_random_uuid(),
    "name"         TEXT   NOT NULL,
    "scopes"       TEXT[] NOT NULL,
    "token_hash"   TEXT   NOT NULL,
    "prefix"       TEXT   NOT NULL,
    "created_by"   TEXT   NOT NULL,
    "created_at"   TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at"   TIMESTAMPTZ(3),
    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "api_tokens_name_key" ON "api_tokens"("name");
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");

CREATE TABLE "audit_events" (
    "id"          BIGSERIAL NOT NULL,
    "at"          TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor"       TEXT NOT NULL,
    "action"      TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id"   TEXT NOT NULL,
    "before"      JSONB,
    "after"       JSONB,
    "reason"      TEXT,
    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "audit_events_at_idx" ON "audit_events"("at" DESC);
CREATE INDEX "audit_events_target_type_target_id_at_idx" ON "audit_events"("target_type", "target_id", "at" DESC);
CREATE INDEX "audit_events_actor_at_idx" ON "audit_events"("actor", "at" DESC);
CREATE INDEX "audit_events_action_at_idx" ON "audit_events"("action", "at" DESC);

-- The audit log is append-only: the database itself refuses to change or remove a row.
CREATE FUNCTION "audit_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER "audit_events_no_update_delete"
    BEFORE UPDATE OR DELETE ON "audit_events"
    FOR EACH ROW EXECUTE FUNCTION "audit_events_append_only"();
CREATE TRIGGER "audit_events_no_truncate"
    BEFORE TRUNCATE ON "audit_events"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_append_only"();

CREATE TABLE "login_attempts" (
    "key"          TEXT    NOT NULL,
    "count"        INTEGER NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "login_attempts_pkey" PRIMARY KEY ("key")
);

CREATE TABLE "system_markers" (
    "key"   TEXT NOT NULL,
    "value" TEXT,
    "at"    TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "system_markers_pkey" PRIMARY KEY ("key")
);
