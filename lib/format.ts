// Display formatting in one place. Instants are shown in UTC, so the server and the browser render
// the same text; a missing value is an em dash. Durations are the pipeline files' own shortest form.
export { formatDuration } from "@/lib/rollouts/durations";

/** A point in time as the database, JSON or a chart hands it over. */
export type Instant = Date | string | number;

const NONE = "—";
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const missing = (d: Instant | null | undefined): d is null | undefined | "" => d === null || d === undefined || d === "";
const iso = (d: Instant) => new Date(d).toISOString();
const two = (n: number) => String(n).padStart(2, "0");

/** "2026-11-27 09:30" (UTC, to the minute); `seconds`: "2026-11-27 09:30:05"; `utc`: "… UTC". */
export function formatTime(d: Instant | null | undefined, opts: { seconds?: boolean; utc?: boolean } = {}): string {
  if (missing(d)) return NONE;
  const text = iso(d)
    .replace("T", " ")
    .slice(0, opts.seconds ? 19 : 16);
  return opts.utc ? `${text} UTC` : text;
}

/** "2026-11-27" (the UTC day). */
export function formatDay(d: Instant | null | undefined): string {
  return missing(d) ? NONE : iso(d).slice(0, 10);
}

/** "09:30" (UTC), for chart ticks within a day. */
export const formatClock = (d: Instant) => iso(d).slice(11, 16);

/** "Nov 27" (UTC), for chart ticks across days. */
export const formatMonthDay = (d: Date) => `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;

/** "Nov 27, 09:00 UTC"; without the zone where the text already says UTC. */
export function formatMonthDayTime(d: Date, withZone = true): string {
  return `${formatMonthDay(d)}, ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}${withZone ? " UTC" : ""}`;
}

/** "in 2 d 3 h", "5 min ago". */
export function formatRelative(to: Date, now: Date): string {
  const ms = to.getTime() - now.getTime();
  const abs = Math.abs(ms);
  const min = Math.round(abs / 60_000);
  const text =
    min < 1
      ? "less than a minute"
      : min < 60
        ? `${min} min`
        : min < 24 * 60
          ? `${Math.floor(min / 60)} h${min % 60 ? ` ${min % 60} min` : ""}`
          : `${Math.floor(min / 1440)} d${Math.floor((min % 1440) / 60) ? ` ${Math.floor((min % 1440) / 60)} h` : ""}`;
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

/** A datetime-local input's value in UTC ("2026-11-27T09:00"), and back (null when malformed). */
export const toUtcInput = (d: Date) => d.toISOString().slice(0, 16);
export function fromUtcInput(v: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v)) return null;
  const d = new Date(`${v}:00Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** A count with its noun: "1 cell", "2 cells", plural(3, "gate is", "gates are"). */
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
