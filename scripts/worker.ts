// `npm run worker`: the background ticker as its own process (for deployments that run web and
// worker separately). Any number may run: only the advisory-lock leader acts.
import { createPrisma } from "@/lib/db/client";
import { jobs } from "@/lib/worker/server/jobs";
import { startTicker } from "@/lib/worker/server/ticker";
import { loadEnvOrExit, migrateDatabase, openDatabase } from "./runtime";

const cfg = loadEnvOrExit();
const database = await openDatabase(cfg, () => {});
await migrateDatabase(database, () => {});
// The background pool's size and wait, as inside the app server (CELLPLANE_DB_POOL).
const db = createPrisma(database.url, cfg.CELLPLANE_DB_POOL.background, { waitMs: cfg.CELLPLANE_DB_POOL.waitMs });
const ticker = startTicker({ db, databaseUrl: database.url, jobs, timeScale: cfg.CELLPLANE_TIME_SCALE, electionMs: 500 });
console.log(`[worker] started (time scale ${cfg.CELLPLANE_TIME_SCALE})`);
const stop = async () => {
  await ticker.stop();
  await db.$disconnect();
  await database.stop();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
