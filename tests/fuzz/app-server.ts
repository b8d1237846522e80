// The fuzz tier's app: `npm start`'s own start-up (embedded PostgreSQL, migrations, demo seed,
// production build when the sources changed, the app server) in its own data folder and ports,
// with the background jobs and the fleet simulator off, so nothing but the fuzzed requests touches
// the database and row counts can be compared before and after each refused write.
//
//   FUZZ_PORT (default 3140), FUZZ_PG_PORT (default 54345); data in .data/fuzz (wiped at start).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { TOKEN_SCOPES } from "@/lib/auth/roles";
import { waitForHttp } from "../../scripts/runtime";
import { signIn } from "../../scripts/support/session";

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface FuzzEnv {
  baseUrl: string;
  /** The cluster's owner, for counting rows (the app itself connects as its own role). */
  adminDbUrl: string;
  tokens: {
    /** Every scope, bound to no cell. */
    all: string;
    /** Every scope, bound to smb-us-1 only. */
    bound: string;
    /** flags:read only. */
    flagsRead: string;
    /** telemetry:write only. */
    telemetryWrite: string;
  };
  /** A signed-in viewer's Cookie header. */
  viewerCookie: string;
}

const ALL_SCOPES = TOKEN_SCOPES.join(",");

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

export default async function setup(project: TestProject) {
  const port = Number(process.env.FUZZ_PORT ?? 3140);
  const pgPort = Number(process.env.FUZZ_PG_PORT ?? 54345);
  const dataDir = path.join(ROOT, ".data", "fuzz");
  for (const p of [port, pgPort])
    if (!(await portFree(p))) throw new Error(`port ${p} is in use: stop what runs there, or set FUZZ_PORT / FUZZ_PG_PORT`);
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  const logFile = path.join(dataDir, "server.log");
  const log = fs.openSync(logFile, "a");

  const { VITEST: _vitest, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    // Not vitest's NODE_ENV=test (the app server sets its own; the build and the CLI run as in production).
    NODE_ENV: "production",
    PORT: String(port),
    CELLPLANE_PG_PORT: String(pgPort),
    CELLPLANE_DATA_DIR: dataDir,
    CELLPLANE_DEMO: "1",
    CELLPLANE_SIMULATOR: "0",
    CELLPLANE_TICKER: "0",
    DATABASE_URL: "",
    NEXTAUTH_URL: `http://localhost:${port}`,
    NEXT_TELEMETRY_DISABLED: "1",
  };
  // Its own process group: the teardown stops start-up (which stops the app, then PostgreSQL).
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "start.ts")], {
    cwd: ROOT,
    env,
    stdio: ["ignore", log, log],
    detached: true,
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    const t = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    }, 30_000);
    await exited;
    clearTimeout(t);
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    // A build when the sources changed takes minutes on a busy machine.
    await waitForHttp(`${baseUrl}/login`, 900_000, () => child.exitCode === null);
    const cli = (args: string[]) => {
      const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "cellplane.mjs"), ...args], {
        cwd: ROOT,
        env,
        encoding: "utf8",
        timeout: 120_000,
      });
      if (r.status !== 0) throw new Error(`cellplane ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
      return r.stdout.trim();
    };
    const tokens = {
      all: cli(["token", "create", "--name", "fuzz-all", "--scopes", ALL_SCOPES]),
      bound: cli(["token", "create", "--name", "fuzz-bound", "--scopes", ALL_SCOPES, "--cells", "smb-us-1"]),
      flagsRead: cli(["token", "create", "--name", "fuzz-flags", "--scopes", "flags:read"]),
      telemetryWrite: cli(["token", "create", "--name", "fuzz-telemetry", "--scopes", "telemetry:write"]),
    };
    const { superuser } = JSON.parse(fs.readFileSync(path.join(dataDir, "pg-credentials.json"), "utf8")) as { superuser: string };
    const fuzz: FuzzEnv = {
      baseUrl,
      adminDbUrl: `postgres://cellplane:${encodeURIComponent(superuser)}@127.0.0.1:${pgPort}/cellplane`,
      tokens,
      viewerCookie: await signIn(baseUrl, "viewer@cellplane.local", "cellplane"),
    };
    project.provide("fuzz", fuzz);
  } catch (e) {
    await stop();
    const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8").split("\n").slice(-40).join("\n") : "";
    throw new Error(`the fuzz tier's app did not start: ${(e as Error).message}\n${tail}`);
  }
  return stop;
}

declare module "vitest" {
  export interface ProvidedContext {
    fuzz: FuzzEnv;
  }
}
