// A fresh database with the demo fleet in it, as most integration tests start: the demo seed (its
// users' password given), optionally the demo flags and the bare "test" pipeline, and a pg pool
// for the code that reads through one. `drop` ends the pool, then drops the database.
import pg from "pg";
import { seedDemo } from "@/lib/fleet/server/seed";
import { seedDemoFlags } from "@/lib/flags/server/seed";
import { freshDatabase, type TestDatabase } from "./db";

export interface SeededDatabase extends TestDatabase {
  /** Connects only when used. */
  pool: pg.Pool;
}

export interface SeedOptions {
  /** The demo users' password. */
  password: string;
  /** Also seed the demo flags, as of this time. */
  flagsAt?: Date;
  /** Also create the native pipeline "test" with an empty spec (releases name it). */
  testPipeline?: boolean;
  /** The pool's size. */
  poolMax?: number;
}

export async function seededDatabase(label: string, opts: SeedOptions): Promise<SeededDatabase> {
  const t = await freshDatabase(label);
  await seedDemo(t.prisma, opts.password);
  if (opts.flagsAt) await seedDemoFlags(t.prisma, opts.flagsAt);
  if (opts.testPipeline)
    await t.prisma.pipeline.create({ data: { id: "test", name: "Test", format: "native", source: "", spec: {}, updatedBy: "test" } });
  const pool = new pg.Pool({ connectionString: t.url, max: opts.poolMax ?? 4 });
  return {
    ...t,
    pool,
    drop: async () => {
      await pool.end();
      await t.drop();
    },
  };
}
