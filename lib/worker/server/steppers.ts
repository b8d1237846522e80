// The one loop of the background steppers (releases, migration runs): on each run of its job, take
// the items due a pass, oldest first, and step each in a transaction of its own. Items are isolated:
// one that fails (a conflict, a bug, a database error) is logged with its id and the others are
// still stepped. Which process runs the loop is the ticker's leader election (./ticker.ts); that an
// item is stepped once however many processes try is its transition's row lock (lib/transitions).
import type { Db } from "@/lib/db/client";
import type { Job, TickContext } from "./ticker";

export interface Stepper {
  /** The job's name, e.g. `rollouts.advance`. */
  name: string;
  everyMs: number;
  /** What an item is, for the log: "release", "migration". */
  noun: string;
  /** The ids due a pass, oldest first. */
  due: (db: Db) => Promise<string[]>;
  /** One pass over one item, in a transaction of its own. */
  step: (db: Db, id: string, ctx: TickContext) => Promise<unknown>;
}

export type StepOutcome = { id: string; ok: true } | { id: string; ok: false; error: string };

/** Step every due item once; one item's failure is logged and does not stop the others. */
export async function stepEach(s: Stepper, ctx: TickContext, log: (line: string) => void = console.error): Promise<StepOutcome[]> {
  const out: StepOutcome[] = [];
  for (const id of await s.due(ctx.db)) {
    try {
      await s.step(ctx.db, id, ctx);
      out.push({ id, ok: true });
    } catch (e) {
      const error = (e as Error).message ?? String(e);
      log(`[ticker] ${s.noun} ${id}: ${error}`);
      out.push({ id, ok: false, error });
    }
  }
  return out;
}

/** The stepper as a ticker job. */
export function stepperJob(s: Stepper): Job {
  return {
    name: s.name,
    everyMs: s.everyMs,
    run: async (ctx) => {
      await stepEach(s, ctx);
    },
  };
}
