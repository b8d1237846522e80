// How every Cellplane process finds its database: DATABASE_URL when given, otherwise the embedded
// PostgreSQL under CELLPLANE_DATA_DIR (started here, or joined when already running).
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env, EnvError, type Env } from "@/lib/env";
import { EMBEDDED_PASSWORD, startEmbedded } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";
import { APP_ROLE, grantAppRole, withCredentials } from "@/lib/db/roles";

export const ROOT = path.resolve(import.meta.dirname, "..");
export const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
/** The app server's process title (as `ps` shows it; at most 15 characters). */
export const APP_PROCESS_TITLE = "cellplane-app";
/**
 * The app server (Next.js plus the direct telemetry path): argv for `spawn(process.execPath, …)`.
 * A larger young generation (64 MB semi-spaces) lets the short-lived objects of each telemetry
 * batch die before they are copied: about a fifth less CPU per batch under load.
 */
export const serveArgs = (port: number, dev = false) => [
  "--max-semi-space-size=64",
  "--import",
  "tsx",
  path.join(ROOT, "scripts", "serve.ts"),
  "--port",
  String(port),
  ...(dev ? ["--dev"] : []),
];

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
  /** What the app, the worker and the CLI connect with: a role that owns nothing (README, Security model). */
  url: string;
  /** The owner: migrations and the demo's cell databases. */
  adminUrl: string;
  embedded: boolean;
  /** The app role's password when Cellplane manages the role (embedded); undefined for external databases. */
  appPassword?: string;
  stop(): Promise<void>;
}

interface EmbeddedCredentials {
  superuser: string;
  app: string;
}

/**
 * The embedded cluster's passwords: generated once, kept in <data dir>/pg-credentials.json (mode
 * 0600, readable by the user running Cellplane only). `created`: the file did not exist before, so
 * an older cluster may still have the old built-in superuser password.
 */
export function embeddedCredentials(dataDir: string): EmbeddedCredentials & { created: boolean } {
  const file = path.join(dataDir, "pg-credentials.json");
  fs.mkdirSync(dataDir, { recursive: true });
  const fresh = { superuser: crypto.randomBytes(24).toString("base64url"), app: crypto.randomBytes(24).toString("base64url") };
  try {
    fs.writeFileSync(file, `${JSON.stringify(fresh)}\n`, { mode: 0o600, flag: "wx" });
    return { ...fresh, created: true };
  } catch (e) {
    if ((e as { code?: string }).code !== "EEXIST") throw e;
  }
  fs.chmodSync(file, 0o600);
  return { ...(JSON.parse(fs.readFileSync(file, "utf8")) as EmbeddedCredentials), created: false };
}

export async function openDatabase(cfg: Env, log = (l: string) => console.log(`[postgres] ${l}`)): Promise<Database> {
  if (cfg.DATABASE_URL) {
    return { url: cfg.DATABASE_URL, adminUrl: cfg.CELLPLANE_MIGRATE_URL ?? cfg.DATABASE_URL, embedded: false, stop: async () => {} };
  }
  const dataDir = path.resolve(ROOT, cfg.CELLPLANE_DATA_DIR);
  const creds = embeddedCredentials(dataDir);
  const server = await startEmbedded({
    dataDir,
    port: cfg.CELLPLANE_PG_PORT,
    database: "cellplane",
    password: creds.superuser,
    previousPassword: creds.created ? EMBEDDED_PASSWORD : undefined,
    log,
  });
  return {
    url: withCredentials(server.url, APP_ROLE, creds.app),
    adminUrl: server.url,
    embedded: true,
    appPassword: creds.app,
    stop: server.stop,
  };
}

/** Apply the migrations as the owner, then let the app's role use what they made (and no more). */
export async function migrateDatabase(database: Database, log = (l: string) => console.log(l)) {
  const r = await migrate(database.adminUrl, path.join(ROOT, "prisma", "migrations"));
  if (r.applied.length) log(`[migrate] applied ${r.applied.join(", ")}`);
  else log(`[migrate] up to date (${r.alreadyApplied} migrations)`);
  await grantAppRole(database.adminUrl, database.url, database.appPassword);
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

const BUILD_INPUTS = [
  "app",
  "components",
  "lib",
  "public",
  "prisma/schema.prisma",
  "next.config.ts",
  "package-lock.json",
  "postcss.config.mjs",
  "tsconfig.json",
  "proxy.ts",
  "instrumentation.ts",
];

function fingerprint(): string {
  const h = crypto.createHash("sha256");
  const walk = (p: string) => {
    const abs = path.join(ROOT, p);
    if (!fs.existsSync(abs)) return;
    const st = fs.statSync(abs);
    if (st.isDirectory()) {
      for (const e of fs.readdirSync(abs).sort()) if (e !== "generated") walk(path.join(p, e));
    } else h.update(`${p}:${st.size}:${st.mtimeMs}\n`);
  };
  BUILD_INPUTS.forEach(walk);
  return h.digest("hex");
}

/** Run `next build` when the sources changed since the last build (npm start, benchmarks). */
export function buildIfStale(log = (l: string) => console.log(l)) {
  const stamp = path.join(ROOT, ".next", "cellplane-build");
  const fp = fingerprint();
  if (fs.existsSync(path.join(ROOT, ".next", "BUILD_ID")) && fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === fp) return;
  log("building the app (sources changed since the last build)…");
  const r = spawnSync(process.execPath, [NEXT_BIN, "build"], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (r.status !== 0) throw new Error(`the build failed (exit ${r.status ?? r.signal})`);
  fs.writeFileSync(stamp, fp);
}

/** Resolve once an HTTP server answers at `url` (any status), or throw after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs = 120_000, alive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`${url}: the server exited before it answered`);
    try {
      const res = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`${url} did not answer within ${Math.round(timeoutMs / 1000)} s`);
}
