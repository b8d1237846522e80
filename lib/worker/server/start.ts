import "server-only";
// The ticker as it runs inside the app server.
import { db } from "@/lib/db";
import { databaseUrl, env } from "@/lib/env";
import { jobs } from "./jobs";
import { startTicker } from "./ticker";

export async function startServerTicker() {
  if (!env().CELLPLANE_TICKER || !env().DATABASE_URL) return;
  const ticker = startTicker({ db: db(), databaseUrl: databaseUrl(), jobs, timeScale: env().CELLPLANE_TIME_SCALE });
  const stop = () => void ticker.stop();
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
