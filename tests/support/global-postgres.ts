// Integration tests run against a real PostgreSQL: the embedded server, in its own data folder and
// port, created fresh for each run. A migrated template database makes per-file databases cheap.
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbedded } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";

const ROOT = path.resolve(import.meta.dirname, "../..");

export default async function setup(project: TestProject) {
  const dataDir = path.join(ROOT, ".data", "test-pg");
  fs.rmSync(dataDir, { recursive: true, force: true });
  const port = Number(process.env.CELLPLANE_TEST_PG_PORT ?? 54330);
  const server = await startEmbedded({ dataDir, port, database: "cellplane_template", log: () => {} });
  await migrate(server.url, path.join(ROOT, "prisma", "migrations"));
  // No connections may stay open on a template database.
  const admin = new pg.Client({ connectionString: server.url.replace(/\/cellplane_template$/, "/postgres") });
  await admin.connect();
  await admin.query("ALTER DATABASE cellplane_template IS_TEMPLATE true");
  await admin.end();
  project.provide("pgAdminUrl", server.url.replace(/\/cellplane_template$/, "/postgres"));
  return async () => {
    await server.stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}
