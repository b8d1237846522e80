// Display helpers for flag pages (pure; times in UTC so server and browser render the same text).
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "Nov 27, 09:00 UTC" */
export function formatUtc(d: Date, withZone = true): string {
  const hh = String(d.getUTCHours()).padStart(2, "0"),
    mm = String(d.getUTCMinutes()).padStart(2, "0");
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${hh}:${mm}${withZone ? " UTC" : ""}`;
}

/** "Nov 27" */
export const formatDay = (d: Date) => `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;

/** "in 2 d 3 h", "5 min ago" */
export function relative(to: Date, now: Date): string {
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

/** A datetime-local input value in UTC ("2026-11-27T09:00") and back. */
export const toUtcInput = (d: Date) => d.toISOString().slice(0, 16);
export function fromUtcInput(v: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v)) return null;
  const d = new Date(`${v}:00Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}
