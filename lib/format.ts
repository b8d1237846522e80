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

// ISO instants for bulk encoders (the fleet's current state: ten thousand times per load), several
// times faster than Date's own: the day's text is computed once per day, the rest by arithmetic.
const DAY_MS = 86_400_000;
let isoDay = Number.NaN;
let isoDayText = "";
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

/** The same text as `new Date(ms).toISOString()` ("2026-11-27T09:05:07.123Z"). */
export function isoString(ms: number): string {
  // Years 1970–9999 only; anything else (and a non-integer) as Date writes it.
  if (!(ms >= 0 && ms < 253_402_300_800_000) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  if (day !== isoDay) {
    isoDay = day;
    isoDayText = new Date(day * DAY_MS).toISOString().slice(0, 11);
  }
  let rest = ms - day * DAY_MS;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  return `${isoDayText}${two(h)}:${two(m)}:${two(s)}.${pad3(rest - s * 1000)}Z`;
}

/** Digits of `s` from `at` to `to` as a number (ASCII digits only). */
function digits(s: string, at: number, to: number): number {
  let n = 0;
  for (let i = at; i < to; i++) n = n * 10 + s.charCodeAt(i) - 48;
  return n;
}

const isDigit = (s: string, i: number) => {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
};
const DATE_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9];
const TIME_DIGITS = [11, 12, 14, 15, 17, 18, 20, 21, 22];
function digitsAt(s: string, at: readonly number[]): boolean {
  for (const i of at) if (!isDigit(s, i)) return false;
  return true;
}

/** The date part ("2026-11-27T") last read by isoMs, and its midnight in epoch milliseconds. */
let parsedDay = "\u0000";
let parsedDayMs = 0;

/**
 * Epoch milliseconds of an ISO time, as Date.parse gives them: toISOString()'s form
 * ("2026-11-27T09:05:07.123Z") read by arithmetic — the date part once per day, the time of day
 * digit by digit — and anything else (and any date that does not exist) by Date.parse.
 */
export function isoMs(iso: string): number {
  if (iso.length !== 24 || iso[13] !== ":" || iso[16] !== ":" || iso[19] !== "." || iso[23] !== "Z") return Date.parse(iso);
  if (!iso.startsWith(parsedDay)) {
    if (iso[4] !== "-" || iso[7] !== "-" || iso[10] !== "T" || !digitsAt(iso, DATE_DIGITS)) return Date.parse(iso);
    const year = digits(iso, 0, 4),
      month = digits(iso, 5, 7),
      day = digits(iso, 8, 10);
    const ms = Date.UTC(year, month - 1, day);
    const d = new Date(ms);
    // A day that does not exist (2026-02-30) or a year Date.UTC reads otherwise (0–99): as Date.parse.
    if (month < 1 || month > 12 || d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day)
      return Date.parse(iso);
    parsedDay = iso.slice(0, 11);
    parsedDayMs = ms;
  }
  if (!digitsAt(iso, TIME_DIGITS)) return Date.parse(iso);
  const h = digits(iso, 11, 13),
    m = digits(iso, 14, 16),
    sec = digits(iso, 17, 19);
  if (h > 23 || m > 59 || sec > 59) return Date.parse(iso);
  return parsedDayMs + ((h * 60 + m) * 60 + sec) * 1000 + digits(iso, 20, 23);
}
