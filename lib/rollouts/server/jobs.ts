// Background jobs of rollouts, run by the ticker's leader.
import { stepperJob } from "@/lib/worker/server/steppers";
import type { Job } from "@/lib/worker/server/ticker";
import { deliverDue } from "./deliveries";
import { activeReleaseIds, tickRelease } from "./release-store";

export const rolloutJobs: Job[] = [
  stepperJob({
    name: "rollouts.advance",
    everyMs: 1_000,
    noun: "release",
    due: activeReleaseIds,
    step: (db, id, { now, timeScale }) => tickRelease(db, id, now, timeScale),
  }),
  {
    name: "rollouts.deliveries",
    everyMs: 2_000,
    run: async ({ db, now }) => {
      await deliverDue(db, now);
    },
  },
];
