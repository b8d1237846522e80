import "server-only";
// The ticker as it runs inside the app server, on the background pool (lib/db/pools.ts): a burst of
// requests cannot take the connections its jobs need.
import { backgroundDb } from "@/lib/db";
import { databaseUrl, env } from "@/lib/env";
import { jobs } from "./jobs";
import { startTicker } from "./ticker";

export async function startServerTicker() {
  if (!env().CELLPLANE_TICKER || !env().DATABASE_URL) return;
  const ticker = startTicker({ db: backgroundDb(), databaseUrl: databaseUrl(), jobs, timeScale: env().CELLPLANE_TIME_SCALE });
  const stop = () => void ticker.stop();
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
