-- API versions at the Landing Zone edge: the versioned route table and its single-row version,
-- which every lifecycle change and import bumps in the same transaction (the gateway config ETag).

CREATE TYPE "RouteStatus" AS ENUM ('disabled', 'active', 'deprecated', 'sunset');

CREATE TABLE "gateway_routes" (
    "method"           TEXT NOT NULL,
    "path"             TEXT NOT NULL,
    "position"         INTEGER NOT NULL,
    "resource"         TEXT NOT NULL,
    "service_id"       TEXT NOT NULL,
    "version"          TEXT NOT NULL,
    "backend"          TEXT NOT NULL,
    "status"           "RouteStatus" NOT NULL,
    "introduced"       DATE,
    "deprecation_date" TIMESTAMPTZ(3),
    "sunset_date"      TIMESTAMPTZ(3),
    "documentation"    TEXT,
    "alias_of"         TEXT,
    "enabled_at"       TIMESTAMPTZ(3),
    "deprecated_at"    TIMESTAMPTZ(3),
    "retired_at"       TIMESTAMPTZ(3),
    "revision"         INTEGER NOT NULL DEFAULT 1,
    "created_at"       TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at"       TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by"       TEXT NOT NULL,
    CONSTRAINT "gateway_routes_pkey" PRIMARY KEY ("method", "path"),
    CONSTRAINT "gateway_routes_service_id_fkey" FOREIGN KEY ("service_id") REFERENCES "services"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "gateway_routes_method_check" CHECK ("method" IN ('GET', 'POST', 'PUT', 'PATCH', 'DELETE')),
    CONSTRAINT "gateway_routes_version_check" CHECK ("version" ~ '^v[0-9]+$'),
    -- RFC 9745 §3: a route may not stop answering before it is deprecated.
    CONSTRAINT "gateway_routes_sunset_after_deprecation" CHECK ("sunset_date" IS NULL OR "deprecation_date" IS NULL OR "sunset_date" >= "deprecation_date")
);
CREATE INDEX "gateway_routes_resource_method_idx" ON "gateway_routes"("resource", "method");

CREATE TABLE "gateway_config" (
    "id"         INTEGER NOT NULL DEFAULT 1,
    "version"    INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" TEXT,
    CONSTRAINT "gateway_config_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "gateway_config_single_row" CHECK ("id" = 1)
);
INSERT INTO "gateway_config" ("id", "version") VALUES (1, 0);
