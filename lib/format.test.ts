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
  isoMs,
  isoString,
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

describe("isoString and isoMs: Date's own ISO text and parse, faster", () => {
  const instants = [
    0,
    1,
    999,
    86_399_999,
    86_400_000,
    Date.UTC(2024, 1, 29, 23, 59, 59, 999), // a leap day
    Date.UTC(2026, 11, 31, 23, 59, 59, 5),
    Date.UTC(2026, 10, 27, 9, 5, 7, 123),
    253_402_300_799_999, // 9999-12-31T23:59:59.999Z, the last one written as four-digit years
  ];
  // And a spread of times over the years, each day of a month and each part of a day.
  for (let i = 0; i < 300; i++) instants.push(Math.floor(((i * 7_919) % 2_000) * 2_000_000_000 + i * 12_345_678.9));

  test.each(instants)("%i: the same text as toISOString, read back to the same instant", (ms) => {
    const text = new Date(ms).toISOString();
    expect(isoString(ms)).toBe(text);
    expect(isoMs(text)).toBe(ms);
  });

  test.each([-1, -86_400_001, 253_402_300_800_000, 1.5])("%s: outside the fast form, written as Date writes it", (ms) =>
    expect(isoString(ms)).toBe(new Date(ms).toISOString()),
  );

  test.each([
    "2026-11-27T09:05:07Z",
    "2026-11-27T09:05:07.123+01:00",
    "2026-11-27",
    "2026-02-29T00:00:00.000Z", // no such day: NaN, as Date.parse
    "2026-04-31T00:00:00.000Z",
    "2026-13-01T00:00:00.000Z",
    "2026-11-27T24:00:00.000Z",
    "2026-11-27T09:60:00.000Z",
    "2026-1x-27T09:05:07.123Z",
    "garbage",
  ])("%s: parsed as Date.parse parses it", (text) => expect(isoMs(text)).toEqual(Date.parse(text)));
});
