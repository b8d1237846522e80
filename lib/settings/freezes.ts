// Fleet freezes and weekly maintenance windows as admins set them. Pure.
//
// A freeze covers the whole fleet while it is in force (startsAt ≤ now < endsAt): no release wave
// starts deploying, no flag's rollout rises (by hand or by its schedule), no cell starts a new phase
// or rollout step of a schema migration, and no route is enabled (or re-enabled, or sunset) at the
// edge. Every page and every refusal names it in the same words: `freezeText`.
import { DomainError } from "@/lib/errors";
import { formatTime } from "@/lib/format";

/** A freeze as the rules read it. */
export interface FreezeSpan {
  startsAt: Date;
  endsAt: Date;
  reason: string;
}

/** What a freeze stops, in the words every page uses. */
export const FREEZE_COVERS =
  "no release wave starts, no flag rollout rises (by hand or by schedule), no migration step starts and no route is enabled at the edge";

/** The freeze in force at `now` (the one ending last when several overlap), or null. */
export function freezeInForce<F extends FreezeSpan>(freezes: readonly F[], now: Date): F | null {
  const t = now.getTime();
  let found: F | null = null;
  for (const f of freezes) if (f.startsAt.getTime() <= t && t < f.endsAt.getTime() && (!found || f.endsAt > found.endsAt)) found = f;
  return found;
}

/**
 * The frozen stretch of time `now` falls in: overlapping or touching freezes make one stretch, from
 * the first one's start to the last one's end (a freeze that takes over from another keeps the fleet
 * frozen since the first began). Null when no freeze is in force at `now`.
 */
export function frozenStretch<F extends FreezeSpan>(freezes: readonly F[], now: Date): { from: Date; until: Date; freeze: F } | null {
  const freeze = freezeInForce(freezes, now);
  if (!freeze) return null;
  const sorted = [...freezes].filter((f) => f.startsAt < f.endsAt).sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  let from = -1,
    until = -1;
  const t = now.getTime();
  for (const f of sorted) {
    const s = f.startsAt.getTime(),
      e = f.endsAt.getTime();
    if (s > t) break;
    if (from < 0 || s > until) {
      from = s;
      until = e;
    } else until = Math.max(until, e);
  }
  return { from: new Date(from), until: new Date(until), freeze };
}

/** "fleet freeze until 2026-12-02 10:00 UTC: Black Friday" — the one way every page and refusal names a freeze. */
export const freezeText = (f: Pick<FreezeSpan, "endsAt" | "reason">) =>
  `fleet freeze until ${formatTime(f.endsAt, { utc: true })}: ${f.reason}`;

/**
 * The refusal of a change a freeze stops: PRECONDITION, naming the freeze (its end and reason),
 * what still works (`hint`), and that nothing was changed.
 */
export function frozenRefusal(what: string, freeze: Pick<FreezeSpan, "endsAt" | "reason">, hint?: string): DomainError {
  return new DomainError(
    "PRECONDITION",
    `${what} is refused during the ${freezeText(freeze)}.${hint ? ` ${hint}` : ""} Nothing was changed.`,
  );
}

/**
 * When ending a freeze at `now` makes it end: at once if it is in force; one millisecond after its
 * start if it has not begun (so it never covers any time). An ended freeze cannot end again.
 */
export function freezeEnd(freeze: { startsAt: Date; endsAt: Date }, now: Date): Date {
  if (freeze.endsAt <= now) throw new DomainError("CONFLICT", "this freeze has already ended");
  return freeze.startsAt > now ? new Date(freeze.startsAt.getTime() + 1) : now;
}

/** Minutes after midnight of an "HH:MM" time (validated by the form). */
export function minuteOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return h! * 60 + m!;
}
