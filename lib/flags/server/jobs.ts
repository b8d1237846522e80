// Background jobs of feature flags, run by the ticker's leader: each guarded ramp's guard, one
// flag per transaction (its row locked), audited as the ticker.
import { audited } from "@/lib/audit/server/record";
import type { Job } from "@/lib/worker/server/ticker";
import { guardedFlagKeys, guardFlag } from "./guard-store";

export const FLAG_TICKER_ACTOR = "system:ticker";

export const flagJobs: Job[] = [
  {
    name: "flags.guards",
    everyMs: 1_000,
    run: async ({ db, now, timeScale }) => {
      for (const key of await guardedFlagKeys(db)) {
        try {
          await audited(db, FLAG_TICKER_ACTOR, (tx) => guardFlag(tx, key, now, timeScale), { timeout: 20_000 });
        } catch (e) {
          console.error(`[ticker] flag ${key}: ${(e as Error).message}`);
        }
      }
    },
  },
];
