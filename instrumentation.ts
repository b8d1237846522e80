// Starts the background ticker inside the Node.js server process (never in the edge runtime or
// during the build). Only the instance holding the PostgreSQL advisory lock acts.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { env, databaseUrl } = await import("@/lib/env");
  if (!env().CELLPLANE_TICKER || !env().DATABASE_URL) return;
  const { db } = await import("@/lib/db");
  const { startTicker } = await import("@/lib/worker/ticker");
  const { jobs } = await import("@/lib/worker/jobs");
  const ticker = startTicker({ db: db(), databaseUrl: databaseUrl(), jobs, timeScale: env().CELLPLANE_TIME_SCALE });
  const stop = () => void ticker.stop();
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
