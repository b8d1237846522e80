// Maintenance windows and freezes: pure rules over an injected clock.
import { DateTime } from "luxon";

/** A weekly window: ISO weekday (1 = Monday … 7 = Sunday), minutes after local midnight, length. */
export interface WeeklyWindow {
  weekday: number;
  startMinute: number;
  durationMin: number;
}

/** A fleet freeze (its rules and words: lib/settings/freezes.ts). */
export type { FreezeSpan as Freeze } from "@/lib/settings/freezes";

/** The IANA time zone of a cloud region (cells keep their region's local time). */
export const REGION_ZONES: Record<string, string> = {
  "us-east-1": "America/New_York",
  "us-east-2": "America/New_York",
  "us-west-1": "America/Los_Angeles",
  "us-west-2": "America/Los_Angeles",
  "ca-central-1": "America/Toronto",
  "sa-east-1": "America/Sao_Paulo",
  "eu-west-1": "Europe/Dublin",
  "eu-west-2": "Europe/London",
  "eu-central-1": "Europe/Berlin",
  "eu-north-1": "Europe/Stockholm",
  "ap-southeast-1": "Asia/Singapore",
  "ap-southeast-2": "Australia/Sydney",
  "ap-northeast-1": "Asia/Tokyo",
  "ap-south-1": "Asia/Kolkata",
};

export const zoneOf = (region: string) => REGION_ZONES[region] ?? "UTC";

/** The window occurrence containing `now`, or the next one to open, within two weeks. */
export function windowAt(windows: WeeklyWindow[], zone: string, now: Date): { inside: boolean; start: Date; end: Date } | null {
  if (windows.length === 0) return null;
  const local = DateTime.fromJSDate(now, { zone });
  let best: { inside: boolean; start: Date; end: Date } | null = null;
  for (const w of windows) {
    // Occurrences starting last week through next week cover every case (including windows past midnight).
    for (let weekOffset = -1; weekOffset <= 1; weekOffset++) {
      const start = local
        .startOf("week") // ISO week: Monday
        .plus({ weeks: weekOffset, days: w.weekday - 1, minutes: w.startMinute });
      const end = start.plus({ minutes: w.durationMin });
      const s = start.toJSDate(),
        e = end.toJSDate();
      if (s <= now && now < e) return { inside: true, start: s, end: e };
      if (s > now && (!best || s < best.start)) best = { inside: false, start: s, end: e };
    }
  }
  return best;
}

export function formatLocal(d: Date, zone: string): string {
  return DateTime.fromJSDate(d, { zone }).toFormat("ccc d LLL HH:mm ZZZZ");
}
