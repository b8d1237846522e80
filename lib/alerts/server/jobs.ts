// Background jobs of alerting, run by the ticker's leader.
import type { Job } from "@/lib/worker/server/ticker";
import { notifyAlerts } from "./store";

export const alertJobs: Job[] = [
  {
    name: "alerts.notify",
    everyMs: 3_000,
    run: async ({ db, now }) => {
      await notifyAlerts(db, now);
    },
  },
];
