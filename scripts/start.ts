// `npm start`: database (embedded or DATABASE_URL) → migrations → demo seed (once) → build when
// the sources changed → `next start`. Ctrl-C / SIGTERM stops the app, then PostgreSQL, cleanly.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createPrisma } from "@/lib/db/client";
import { seedDemo } from "@/lib/fleet/seed";
import { seedGatewayDemo } from "@/lib/gateway/seed";
import { loadEnvOrExit, migrateDatabase, openDatabase, ROOT, sessionSecret } from "./runtime";

const dev = process.argv.includes("--dev");
const cfg = loadEnvOrExit();
const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");

const BUILD_INPUTS = ["app", "components", "lib", "public", "prisma/schema.prisma", "next.config.ts", "package-lock.json", "postcss.config.mjs", "tsconfig.json", "proxy.ts", "instrumentation.ts"];

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

function buildIfStale() {
  const stamp = path.join(ROOT, ".next", "cellplane-build");
  const fp = fingerprint();
  if (fs.existsSync(path.join(ROOT, ".next", "BUILD_ID")) && fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === fp) return;
  console.log("[start] building the app (sources changed since the last build)…");
  const r = spawnSync(process.execPath, [NEXT_BIN, "build"], { cwd: ROOT, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (r.status !== 0) {
    console.error("[start] build failed");
    process.exit(r.status ?? 1);
  }
  fs.writeFileSync(stamp, fp);
}

async function main() {
  const database = await openDatabase(cfg);
  let app: ChildProcess | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (app && app.exitCode === null && app.signalCode === null) {
      const exited = new Promise((r) => app!.once("exit", r));
      app.kill("SIGTERM");
      const timer = setTimeout(() => app?.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await database.stop();
    console.log("[start] stopped");
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  try {
    await migrateDatabase(database.url);
    if (cfg.demo) {
      const prisma = createPrisma(database.url, 2);
      try {
        const seeded = await seedDemo(prisma, cfg.CELLPLANE_DEMO_PASSWORD, ROOT);
        console.log(seeded ? "[seed] demo fleet, customers and users created" : "[seed] demo data already present");
        if (await seedGatewayDemo(prisma, new Date(), ROOT)) console.log("[seed] demo route table imported from examples/api-gateway-config.yaml");
      } finally {
        await prisma.$disconnect();
      }
    }
    if (!dev) buildIfStale();
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
  app = spawn(process.execPath, [NEXT_BIN, dev ? "dev" : "start", "-p", String(cfg.PORT)], { cwd: ROOT, env: childEnv, stdio: "inherit" });
  console.log(`[start] Cellplane on ${cfg.nextAuthUrl}${cfg.demo ? ` (demo users: *@cellplane.local, password "${cfg.CELLPLANE_DEMO_PASSWORD}")` : ""}`);
  app.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`[start] the app server exited (${signal ?? code})`);
      void shutdown(code ?? 1);
    }
  });
}

main().catch(async (e) => {
  console.error(`[start] ${(e as Error).stack ?? e}`);
  process.exit(1);
});
