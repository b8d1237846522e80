// Fleet freezes and weekly maintenance windows as admins set them. Pure.
import { DomainError } from "@/lib/errors";

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
