import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createPrisma, type Db } from "@/lib/db/client";

export interface TestDatabase {
  url: string;
  name: string;
  prisma: Db;
  query: <R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<R[]>;
  drop: () => Promise<void>;
}

/** A new database, already migrated (cloned from the migrated template). */
export async function freshDatabase(label = "t", template = "cellplane_template"): Promise<TestDatabase> {
  const adminUrl = inject("pgAdminUrl");
  const name = `${label.replace(/[^a-z0-9_]/g, "_")}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}" TEMPLATE ${template === "template0" ? "template0" : `"${template}"`}`);
  await admin.end();
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  const prisma = createPrisma(url, 5);
  const pool = new pg.Pool({ connectionString: url, max: 3 });
  return {
    url,
    name,
    prisma,
    query: async (sql, params) => (await pool.query(sql, params)).rows,
    drop: async () => {
      await prisma.$disconnect();
      await pool.end();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      // A pool's end() resolves once its clients are told to close, not once their sessions are
      // gone; forcing a session off sends its client an error nobody listens to any more. Give
      // closing sessions time to go (up to 10 s, longer only on a very busy machine), then force.
      for (let i = 0; i < 200; i++) {
        const { rows } = await a.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1", [name]);
        if (rows[0]!.n === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.end();
    },
  };
}
