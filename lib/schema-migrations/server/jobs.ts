// Background jobs of schema migrations, run by the ticker's leader.
import { stepperJob } from "@/lib/worker/server/steppers";
import type { Job } from "@/lib/worker/server/ticker";
import { runDirectPass } from "./runner";
import { activeRunIds, tickRun } from "./store";

export const migrationJobs: Job[] = [
  stepperJob({
    name: "migrations.advance",
    everyMs: 500,
    noun: "migration",
    due: activeRunIds,
    step: (db, id, { now }) => tickRun(db, id, now),
  }),
  {
    name: "migrations.direct",
    everyMs: 500,
    run: async ({ db }) => {
      await runDirectPass(db);
    },
  },
];
