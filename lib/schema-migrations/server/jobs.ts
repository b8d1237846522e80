// Background jobs of schema migrations, run by the ticker's leader.
import type { Job } from "@/lib/worker/server/ticker";
import { runDirectPass } from "./runner";
import { activeRunIds, tickRun } from "./store";

export const migrationJobs: Job[] = [
  {
    name: "migrations.advance",
    everyMs: 500,
    run: async ({ db, now, timeScale }) => {
      for (const id of await activeRunIds(db)) {
        try {
          await tickRun(db, id, now, timeScale);
        } catch (e) {
          console.error(`[ticker] migration ${id}: ${(e as Error).message}`);
        }
      }
    },
  },
  {
    name: "migrations.direct",
    everyMs: 500,
    run: async ({ db }) => {
      await runDirectPass(db);
    },
  },
];
