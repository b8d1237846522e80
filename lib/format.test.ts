import { describe, expect, test } from "vitest";
import {
  formatClock,
  formatDay,
  formatDuration,
  formatMonthDay,
  formatMonthDayTime,
  formatRelative,
  formatTime,
  fromUtcInput,
  plural,
  toUtcInput,
} from "./format";

const at = new Date("2026-11-27T09:05:07.123Z");

describe("formatTime", () => {
  test.each([
    [at, {}, "2026-11-27 09:05"],
    [at, { utc: true }, "2026-11-27 09:05 UTC"],
    [at, { seconds: true }, "2026-11-27 09:05:07"],
    [at, { seconds: true, utc: true }, "2026-11-27 09:05:07 UTC"],
    ["2026-11-27T09:05:07.123Z", {}, "2026-11-27 09:05"],
    [at.getTime(), { seconds: true }, "2026-11-27 09:05:07"],
    [null, { utc: true }, "—"],
    [undefined, {}, "—"],
    ["", {}, "—"],
  ])("%s %o → %s", (d, opts, text) => expect(formatTime(d, opts)).toBe(text));
});

test.each([
  [at, "2026-11-27"],
  ["2025-06-01T00:00:00.000Z", "2025-06-01"],
  [null, "—"],
])("formatDay(%s) → %s", (d, text) => expect(formatDay(d)).toBe(text));

test("clock, month-day and month-day-time read in UTC", () => {
  expect(formatClock(at)).toBe("09:05");
  expect(formatMonthDay(at)).toBe("Nov 27");
  expect(formatMonthDayTime(at)).toBe("Nov 27, 09:05 UTC");
  expect(formatMonthDayTime(at, false)).toBe("Nov 27, 09:05");
});

test.each([
  [20_000, "in less than a minute"],
  [5 * 60_000, "in 5 min"],
  [-5 * 60_000, "5 min ago"],
  [(2 * 60 + 3) * 60_000, "in 2 h 3 min"],
  [(2 * 24 + 3) * 3600_000, "in 2 d 3 h"],
  [-24 * 3600_000, "1 d ago"],
])("formatRelative(now + %i ms) → %s", (ms, text) => expect(formatRelative(new Date(at.getTime() + ms), at)).toBe(text));

test("datetime-local values in UTC round-trip; malformed ones are null", () => {
  expect(toUtcInput(at)).toBe("2026-11-27T09:05");
  expect(fromUtcInput("2026-11-27T09:05")).toEqual(new Date("2026-11-27T09:05:00Z"));
  expect(fromUtcInput("2026-11-27 09:05")).toBeNull();
  expect(fromUtcInput("2026-13-40T09:05")).toBeNull();
});

test.each([
  [0, "cell", undefined, "0 cells"],
  [1, "cell", undefined, "1 cell"],
  [2, "cell", undefined, "2 cells"],
  [1, "customer is", "customers are", "1 customer is"],
  [3, "customer is", "customers are", "3 customers are"],
])("plural(%i, %s) → %s", (n, one, many, text) => expect(plural(n, one, many)).toBe(text));

test("formatDuration is the pipeline files' shortest exact form", () => {
  expect(formatDuration(93_600_000)).toBe("1d 2h");
});
