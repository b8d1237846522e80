// The projector: changes nobody clicks. On every pass of the ticker it derives what time passing
// changed since its last pass — scheduled flag steps coming due (one change per cell whose state
// changed), freezes starting and ending, maintenance windows opening and closing — and moves its
// watermark, in one transaction under the watermark's row lock (two tickers → one pass). Each
// change has a stable source, so a pass repeated after a crash records nothing twice.
import type { Db, Tx } from "@/lib/db/client";
import { stepsDue } from "../flag-states";
import { TIME_ACTOR, freezeBoundaries, windowBoundaries } from "../time";
import { insertChanges, liveCells, syncFlagStates } from "./store";
import { listFlags } from "@/lib/flags/server/store";

const WATERMARK = "time";
const FLAGS_BASELINE = "flags.baseline";
/** After a long stop, time is looked back on for a week at most. */
const MAX_LOOKBACK_MS = 7 * 24 * 3600_000;

async function lockWatermark(tx: Tx, name: string, now: Date): Promise<Date | null> {
  await tx.$executeRaw`INSERT INTO change_watermarks (name, until) VALUES (${name}, ${now}) ON CONFLICT DO NOTHING`;
  const rows = await tx.$queryRaw<{ until: Date }[]>`SELECT until FROM change_watermarks WHERE name = ${name} FOR UPDATE`;
  const until = rows[0]!.until;
  return until.getTime() === now.getTime() ? null : until;
}

/** Flags that existed before the change log get their state per cell recorded once, silently. */
async function baseline(tx: Tx, now: Date) {
  const done = await tx.changeWatermark.findUnique({ where: { name: FLAGS_BASELINE } });
  if (done) return;
  const keys = (await listFlags(tx)).map((f) => f.key);
  await syncFlagStates(tx, keys, now, () => ({ at: now, actor: TIME_ACTOR, source: "baseline" }), { baseline: true });
  await tx.changeWatermark.create({ data: { name: FLAGS_BASELINE, until: now } });
}

/**
 * Scheduled steps that came due in (from, now] — and, when a freeze ended in that span, every flag:
 * the steps that waited for it apply at its end (lib/flags/schedule.ts), recorded at that moment.
 */
async function scheduledSteps(tx: Tx, from: Date, now: Date, freezeEnded: { id: string; at: Date } | null) {
  const flags = await listFlags(tx);
  if (freezeEnded) {
    const changes = await syncFlagStates(
      tx,
      flags.map((f) => f.key),
      now,
      (flag) => ({ at: freezeEnded.at, actor: TIME_ACTOR, source: `freeze:${freezeEnded.id}:end:${flag.key}`, scheduled: true }),
    );
    if (changes.length) return changes;
  }
  const due = flags.map((f) => ({ flag: f, steps: stepsDue(f, from, now) })).filter((d) => d.steps.length > 0);
  if (due.length === 0) return [];
  const byKey = new Map(due.map((d) => [d.flag.key, d.steps[d.steps.length - 1]!]));
  return syncFlagStates(tx, [...byKey.keys()], now, (flag) => {
    const step = byKey.get(flag.key)!;
    // Edited since the step came due: the edit already recorded it; what is left happened now.
    const at = flag.updatedAt.getTime() > step.at.getTime() ? now : step.at;
    return { at, actor: TIME_ACTOR, source: `schedule:${flag.key}@${step.at.toISOString()}`, scheduled: true };
  });
}

/** The last freeze (that covered any time) ending in (from, now], if any. */
function lastEnded(freezes: { id: bigint; startsAt: Date; endsAt: Date }[], from: Date, now: Date) {
  const ended = freezes
    .filter((f) => f.endsAt > from && f.endsAt <= now && f.endsAt.getTime() - f.startsAt.getTime() > 1)
    .sort((a, b) => a.endsAt.getTime() - b.endsAt.getTime())
    .pop();
  return ended ? { id: ended.id.toString(), at: ended.endsAt } : null;
}

/** One pass: everything time changed in (watermark, now]. Returns how many changes were recorded. */
export async function projectTime(db: Db, now: Date): Promise<number> {
  return db.$transaction(
    async (tx) => {
      await baseline(tx, now);
      const until = await lockWatermark(tx, WATERMARK, now);
      if (!until || until >= now) return 0;
      const from = new Date(Math.max(until.getTime(), now.getTime() - MAX_LOOKBACK_MS));
      const [freezes, windows, cells] = await Promise.all([
        tx.freeze.findMany({
          where: { OR: [{ startsAt: { gt: from, lte: now } }, { endsAt: { gt: from, lte: now } }] },
        }),
        tx.maintenanceWindow.findMany(),
        liveCells(tx),
      ]);
      const changes = [
        ...freezeBoundaries(
          freezes.map((f) => ({ ...f, id: f.id.toString() })),
          from,
          now,
        ),
        ...windowBoundaries(
          windows.map((w) => ({ ...w, id: w.id.toString() })),
          cells,
          from,
          now,
        ),
        ...(await scheduledSteps(tx, from, now, lastEnded(freezes, from, now))),
      ];
      const n = await insertChanges(tx, changes);
      await tx.changeWatermark.update({ where: { name: WATERMARK }, data: { until: now } });
      return n;
    },
    { timeout: 20_000 },
  );
}
