// Background jobs of feature flags, run by the ticker's leader through the one stepper loop: each
// guarded ramp's guard, one flag per transaction (its row locked), audited as the ticker.
import { audited } from "@/lib/audit/server/record";
import { stepperJob } from "@/lib/worker/server/steppers";
import type { Job } from "@/lib/worker/server/ticker";
import { guardedFlagKeys, guardFlag } from "./guard-store";

export const FLAG_TICKER_ACTOR = "system:ticker";

export const flagJobs: Job[] = [
  stepperJob({
    name: "flags.guards",
    everyMs: 1_000,
    noun: "flag",
    due: guardedFlagKeys,
    step: (db, key, { now, timeScale }) => audited(db, FLAG_TICKER_ACTOR, (tx) => guardFlag(tx, key, now, timeScale), { timeout: 20_000 }),
  }),
];
