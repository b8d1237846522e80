// Background jobs of fleet health, run by the ticker's leader.
import type { Job } from "@/lib/worker/server/ticker";
import type pg from "pg";
import { createPool } from "@/lib/db/client";
import { readSetting, SETTINGS } from "@/lib/settings/server/store";
import { healthSourceOn } from "../sources/server/current";
import { pruneHistory, syncRuleAlerts } from "./alerts-store";
import { rollupRecent } from "./rollups";
import { syncCurrentState } from "./source-sync";

const pools = new Map<string, pg.Pool>();
/** A small plain pool per database for the source sync (ingest's set-based statement). */
function poolFor(url: string): pg.Pool {
  let p = pools.get(url);
  if (!p) pools.set(url, (p = createPool(url, 2)));
  return p;
}

export const healthJobs: Job[] = [
  {
    name: "health.source-sync",
    everyMs: 5_000,
    run: async ({ db, now, databaseUrl }) => {
      const pool = poolFor(databaseUrl);
      const source = healthSourceOn(pool);
      if (source.kind === "builtin") return; // ingest keeps the current state itself
      const { value } = await readSetting(db, SETTINGS.thresholds);
      await syncCurrentState(pool, source, value, now);
    },
  },
  {
    name: "health.alert-rules",
    everyMs: 5_000,
    run: async ({ db, now }) => {
      const { value } = await readSetting(db, SETTINGS.thresholds);
      await syncRuleAlerts(db, value, now);
    },
  },
  {
    name: "health.rollups",
    everyMs: 10_000,
    run: async ({ db }) => {
      await rollupRecent(db);
    },
  },
  {
    name: "health.retention",
    everyMs: 10 * 60_000,
    run: async ({ db, now }) => {
      const { value } = await readSetting(db, SETTINGS.thresholds);
      await pruneHistory(db, value, now);
    },
  },
];
