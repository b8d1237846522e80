// How every Cellplane process finds its database: DATABASE_URL when given, otherwise the embedded
// PostgreSQL under CELLPLANE_DATA_DIR (started here, or joined when already running).
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env, EnvError, type Env } from "@/lib/env";
import { startEmbedded } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";

export const ROOT = path.resolve(import.meta.dirname, "..");

export function loadEnvOrExit(): Env {
  try {
    return env();
  } catch (e) {
    if (e instanceof EnvError) {
      console.error(`cellplane: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
}

export interface Database {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

export async function openDatabase(cfg: Env, log = (l: string) => console.log(`[postgres] ${l}`)): Promise<Database> {
  if (cfg.DATABASE_URL) return { url: cfg.DATABASE_URL, embedded: false, stop: async () => {} };
  const server = await startEmbedded({
    dataDir: path.resolve(ROOT, cfg.CELLPLANE_DATA_DIR),
    port: cfg.CELLPLANE_PG_PORT,
    database: "cellplane",
    log,
  });
  return { url: server.url, embedded: true, stop: server.stop };
}

export async function migrateDatabase(url: string, log = (l: string) => console.log(l)) {
  const r = await migrate(url, path.join(ROOT, "prisma", "migrations"));
  if (r.applied.length) log(`[migrate] applied ${r.applied.join(", ")}`);
  else log(`[migrate] up to date (${r.alreadyApplied} migrations)`);
}

/** NEXTAUTH_SECRET: the configured one, or one generated once and kept in the data folder. */
export function sessionSecret(cfg: Env): string {
  if (cfg.NEXTAUTH_SECRET) return cfg.NEXTAUTH_SECRET;
  const dir = path.resolve(ROOT, cfg.CELLPLANE_DATA_DIR);
  const file = path.join(dir, "nextauth-secret");
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(file)) fs.writeFileSync(file, crypto.randomBytes(32).toString("base64url"), { mode: 0o600 });
  return fs.readFileSync(file, "utf8").trim();
}
