// The Prisma CLI is used here for `generate`, `validate` and `format` only. Its schema engine is a
// separate download that is not always reachable, and the app applies its own hand-written SQL
// migrations (lib/db/migrate.ts), so the engine is pointed at a binary that is never needed.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= "/bin/false";

import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:54320/cellplane" },
});
