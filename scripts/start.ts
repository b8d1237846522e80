// `npm start`: database (embedded or DATABASE_URL) → migrations → demo seed (once) → build when
// the sources changed → the app server (scripts/serve.ts: Next.js + the direct telemetry path) → (demo) the fleet simulator with a fresh token of its own.
// Ctrl-C / SIGTERM stops the simulator, then the app, then PostgreSQL, cleanly.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { audited } from "@/lib/audit/server/record";
import { rotateToken } from "@/lib/auth/server/users";
import { createPrisma } from "@/lib/db/client";
import { seedDemo } from "@/lib/fleet/server/seed";
import { seedDemoFlags } from "@/lib/flags/server/seed";
import { seedGatewayDemo } from "@/lib/gateway/server/seed";
import { seedPipelines } from "@/lib/rollouts/server/seed";
import { seedCellDatabases } from "@/lib/schema-migrations/server/seed";
import { faultsFilePath, SIMULATOR_SCOPES, SIMULATOR_TOKEN_NAME } from "@/lib/simulator/demo";
import { SpecValidationError } from "@/lib/yaml-errors";
import { buildIfStale, loadEnvOrExit, migrateDatabase, openDatabase, ROOT, serveArgs, sessionSecret, waitForHttp } from "./runtime";

const dev = process.argv.includes("--dev");
const cfg = loadEnvOrExit();

function prefixLines(stream: NodeJS.ReadableStream | null, prefix: string, out: (l: string) => void) {
  if (!stream) return;
  readline.createInterface({ input: stream }).on("line", (l) => out(`${prefix} ${l}`));
}

async function stopChild(child: ChildProcess | undefined, graceMs: number) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

async function main() {
  const database = await openDatabase(cfg);
  let app: ChildProcess | undefined;
  let simulator: ChildProcess | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await stopChild(simulator, 5_000);
    await stopChild(app, 10_000);
    await database.stop();
    console.log("[start] stopped");
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  try {
    await migrateDatabase(database);
    if (cfg.demo) {
      const prisma = createPrisma(database.adminUrl, 2);
      try {
        const seeded = await seedDemo(prisma, cfg.CELLPLANE_DEMO_PASSWORD, ROOT);
        console.log(seeded ? "[seed] demo fleet, customers and users created" : "[seed] demo data already present");
        try {
          if (await seedPipelines(prisma, ROOT)) console.log("[seed] demo pipelines created (standard, runbook)");
        } catch (e) {
          // A registry changed before this seed ran may no longer hold the cells the demo files name.
          if (!(e instanceof SpecValidationError)) throw e;
          console.warn(`[seed] demo pipelines not created; import them with \`npx cellplane import pipeline\`:\n${e.message}`);
        }
        if (await seedDemoFlags(prisma)) console.log("[seed] demo feature flags created");
        if (await seedGatewayDemo(prisma, new Date(), ROOT))
          console.log("[seed] demo route table imported from examples/api-gateway-config.yaml");
        const t0 = Date.now();
        try {
          if (await seedCellDatabases(prisma, database.adminUrl))
            console.log(`[seed] one database per demo cell with a messages table (${Date.now() - t0} ms)`);
        } catch (e) {
          console.warn(`[seed] cell databases not created (migrations will run in agent mode): ${(e as Error).message}`);
        }
      } finally {
        await prisma.$disconnect();
      }
    }
    if (!dev) buildIfStale((l) => console.log(`[start] ${l}`));
  } catch (e) {
    console.error(`[start] ${(e as Error).message}`);
    await shutdown(1);
    return;
  }

  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    NEXTAUTH_SECRET: sessionSecret(cfg),
    NEXTAUTH_URL: cfg.nextAuthUrl,
    CELLPLANE_DEMO: cfg.demo ? "1" : "0",
    PORT: String(cfg.PORT),
    NEXT_TELEMETRY_DISABLED: "1",
  };
  app = spawn(process.execPath, serveArgs(cfg.PORT, dev), { cwd: ROOT, env: childEnv, stdio: "inherit" });
  console.log(
    `[start] Cellplane on ${cfg.nextAuthUrl}${cfg.demo ? ` (demo users: *@cellplane.local, password "${cfg.CELLPLANE_DEMO_PASSWORD}")` : ""}`,
  );
  app.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`[start] the app server exited (${signal ?? code})`);
      void shutdown(code ?? 1);
    }
  });

  if (cfg.simulator) {
    try {
      simulator = await startSimulator(database.url, () => !stopping && app?.exitCode === null);
    } catch (e) {
      if (!stopping) console.error(`[start] the fleet simulator did not start: ${(e as Error).message}`);
    }
  }
}

/** Once the app answers: a fresh token for the simulator, then the simulator as a child process. */
async function startSimulator(databaseUrl: string, alive: () => boolean): Promise<ChildProcess | undefined> {
  const local = `http://127.0.0.1:${cfg.PORT}`;
  await waitForHttp(`${local}/login`, 180_000, alive);
  if (!alive()) return undefined;
  const prisma = createPrisma(databaseUrl, 1);
  let token: string;
  try {
    ({ token } = await audited(prisma, "system:start", (tx) =>
      rotateToken(tx, { name: SIMULATOR_TOKEN_NAME, scopes: SIMULATOR_SCOPES }, "system:start", new Date()),
    ));
  } finally {
    await prisma.$disconnect();
  }
  const faults = faultsFilePath(path.resolve(ROOT, cfg.CELLPLANE_DATA_DIR));
  if (!fs.existsSync(faults)) fs.writeFileSync(faults, `${JSON.stringify({ faults: [] }, null, 2)}\n`);
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      path.join(ROOT, "scripts", "simulate.ts"),
      "--url",
      local,
      "--faults",
      faults,
      ...(cfg.CELLPLANE_SIMULATOR_ARGS?.trim().split(/\s+/).filter(Boolean) ?? []),
    ],
    {
      cwd: ROOT,
      env: { ...process.env, CELLPLANE_SIMULATOR_TOKEN: token },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  prefixLines(child.stdout, "[simulator]", (l) => console.log(l));
  prefixLines(child.stderr, "[simulator]", (l) => console.error(l));
  child.on("exit", (code, signal) => {
    if (alive()) console.error(`[start] the fleet simulator exited (${signal ?? code}); the app keeps running`);
  });
  console.log(`[start] fleet simulator started (token "${SIMULATOR_TOKEN_NAME}"; faults file ${path.relative(ROOT, faults) || faults})`);
  return child;
}

main().catch(async (e) => {
  console.error(`[start] ${(e as Error).stack ?? e}`);
  process.exit(1);
});
