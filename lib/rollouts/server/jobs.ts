// Background jobs of rollouts, run by the ticker's leader.
import type { Job } from "@/lib/worker/server/ticker";
import { deliverDue } from "./deliveries";
import { activeReleaseIds, tickRelease } from "./release-store";

export const rolloutJobs: Job[] = [
  {
    name: "rollouts.advance",
    everyMs: 1_000,
    run: async ({ db, now, timeScale }) => {
      for (const id of await activeReleaseIds(db)) {
        try {
          await tickRelease(db, id, now, timeScale);
        } catch (e) {
          console.error(`[ticker] release ${id}: ${(e as Error).message}`);
        }
      }
    },
  },
  {
    name: "rollouts.deliveries",
    everyMs: 2_000,
    run: async ({ db, now }) => {
      await deliverDue(db, now);
    },
  },
];
