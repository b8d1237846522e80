// Two ways to run the CLI in tests. In process (`cliIn`): the command implementations themselves,
// with captured output, given standard input and the test's database — for everything about what a
// command does. As a process (`cliProcess`): the built CLI through bin/cellplane.mjs, for what only
// a process shows — exit codes, which stream gets what, standard input. A process costs about a
// second of CPU, more on a busy machine, so tests spawn few and give each a generous time limit:
// load changes their duration, not their outcome.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { run } from "@/scripts/cli";
import { buildCli, cliBuildIsCurrent } from "@/scripts/build-cli.mjs";
import { type SeededDatabase, type SeedOptions, seededDatabase } from "./seeded-db";

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

const ROOT = path.resolve(import.meta.dirname, "../..");

/** Run a command line in this process against `databaseUrl`. */
export async function cliIn(databaseUrl: string, args: string[], input = ""): Promise<CliResult> {
  let out = "",
    err = "";
  const code = await run(args, {
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    readStdin: async () => input,
    databaseUrl,
  });
  return { code, out, err };
}

/**
 * The CLI in process against a seeded database of the enclosing suite's own (made before its tests,
 * dropped after them), and a scratch folder for the files the tests hand it. `db()` is the database
 * once the suite has started.
 */
export function cliOnSeededDatabase(label: string, opts: SeedOptions) {
  let t: SeededDatabase | undefined;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `cellplane-${label}-`));
  beforeAll(async () => {
    t = await seededDatabase(label, opts);
  });
  afterAll(async () => {
    await t?.drop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  const db = () => {
    if (!t) throw new Error(`the ${label} database is made when the suite starts`);
    return t;
  };
  return { db, tmp, cli: (args: string[], input?: string) => cliIn(db().url, args, input) };
}

/** Per spawned CLI process; tests that spawn give themselves PROCESS_TEST_TIMEOUT. */
export const PROCESS_TIMEOUT = 240_000;
export const PROCESS_TEST_TIMEOUT = 600_000;

/** Build the CLI now if its sources changed, so a spawned process measures nothing but itself. */
export async function ensureBuiltCli() {
  if (!cliBuildIsCurrent()) await buildCli();
}

/** Run `node bin/cellplane.mjs …` as `npx cellplane` would, with `env` added to this process's environment. */
export function cliProcess(
  args: string[],
  opts: { env?: Record<string, string>; input?: string; nodeArgs?: string[] } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), path.join(ROOT, "bin", "cellplane.mjs"), ...args], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: "development", ...opts.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "",
      err = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      err += d;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`cellplane ${args.join(" ")} still ran after ${PROCESS_TIMEOUT / 1000} s:\n${err}`));
    }, PROCESS_TIMEOUT);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
    child.stdin.end(opts.input ?? "");
  });
}
