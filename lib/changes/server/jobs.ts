// Background job of the change log, run by the ticker's leader: time passing as changes.
import type { Job } from "@/lib/worker/server/ticker";
import { projectTime } from "./projector";

export const changeJobs: Job[] = [
  {
    name: "changes.project",
    everyMs: 1_000,
    run: async ({ db, now }) => {
      await projectTime(db, now);
    },
  },
];
