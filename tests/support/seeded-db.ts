// A fresh database with the demo fleet in it, as most integration tests start: the demo seed (its
// users' password given), optionally the demo flags and the bare "test" pipeline, and a pg pool
// for the code that reads through one. `drop` ends the pool, then drops the database.
import pg from "pg";
import type { Principal } from "@/lib/auth/roles";
import type { Db } from "@/lib/db/client";
import { seedDemo } from "@/lib/fleet/server/seed";
import { seedDemoFlags } from "@/lib/flags/server/seed";
import { freshDatabase, type TestDatabase } from "./db";

export interface SeededDatabase extends TestDatabase {
  /** Connects only when used. */
  pool: pg.Pool;
  /** How many rows `table` has. */
  count: (table: string) => Promise<number>;
}

export interface SeedOptions {
  /** The demo users' password. */
  password: string;
  /** Also seed the demo flags, as of this time (true: now). */
  flagsAt?: Date | true;
  /** Also create the native pipeline "test" with an empty spec (releases name it). */
  testPipeline?: boolean;
  /** The pool's size. */
  poolMax?: number;
}

export async function seededDatabase(label: string, opts: SeedOptions): Promise<SeededDatabase> {
  const t = await freshDatabase(label);
  await seedDemo(t.prisma, opts.password);
  if (opts.flagsAt) await seedDemoFlags(t.prisma, opts.flagsAt === true ? new Date() : opts.flagsAt);
  if (opts.testPipeline)
    await t.prisma.pipeline.create({ data: { id: "test", name: "Test", format: "native", source: "", spec: {}, updatedBy: "test" } });
  const pool = new pg.Pool({ connectionString: t.url, max: opts.poolMax ?? 4 });
  return {
    ...t,
    pool,
    count: async (table) => Number((await t.query<{ n: string }>(`SELECT count(*) n FROM ${table}`))[0]!.n),
    drop: async () => {
      await pool.end();
      await t.drop();
    },
  };
}

/** The seeded users as principals, by the local part of their email (`admin`, `release2`, …). */
export async function demoPrincipals(db: Db): Promise<Record<string, Principal>> {
  const users = await db.user.findMany();
  return Object.fromEntries(users.map((u) => [u.email.split("@")[0]!, { id: u.id, email: u.email, name: u.name, role: u.role }]));
}
