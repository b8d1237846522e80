import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "./durations";

describe("parseDuration", () => {
  it.each([
    ["30s", 30_000],
    ["45m", 2_700_000],
    ["4h", 14_400_000],
    ["24h", 86_400_000],
    ["1d", 86_400_000],
    ["1h30m", 5_400_000],
    ["1h 30m", 5_400_000],
    ["1d 2h", 93_600_000],
    ["500ms", 500],
    ["1s 500ms", 1_500],
    ["0m", 0],
    [" 8h ", 28_800_000],
  ])("%s → %i ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["", "30", "4 hours", "1.5h", "-5m", "30m 1h", "1h1h", "h", "5w", "1h,30m", "45 m x"])("refuses %j", (text) => {
    expect(parseDuration(text)).toBeNull();
  });
});

describe("formatDuration", () => {
  it.each([
    [2_700_000, "45m"],
    [14_400_000, "4h"],
    [86_400_000, "1d"],
    [93_600_000, "1d 2h"],
    [5_400_000, "1h 30m"],
    [30_000, "30s"],
    [1_500, "1s 500ms"],
    [0, "0s"],
  ])("%i ms → %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it("round-trips through parseDuration", () => {
    for (const ms of [1, 999, 61_000, 3_661_000, 90_061_001, 7 * 86_400_000]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }
  });

  it("refuses negative values", () => {
    expect(() => formatDuration(-1)).toThrow(RangeError);
  });
});
