// Background jobs of fleet health, run by the ticker's leader.
import type { Job } from "@/lib/worker/server/ticker";
import { readSetting, SETTINGS } from "@/lib/settings/server/store";
import { pruneHistory, syncRuleAlerts } from "./alerts-store";
import { rollupRecent } from "./rollups";

export const healthJobs: Job[] = [
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
