import { describe, expect, it } from "vitest";
import { chunk, nextPollAt, pollPeriodMs, pollPhaseMs } from "./schedule";

describe("desired-version polling", () => {
  it.each([
    [16, 5_000, 25, 5_000],
    [125, 5_000, 25, 5_000],
    [1_000, 5_000, 25, 40_000],
    [5_000, 5_000, 25, 200_000],
    [1_000, 5_000, 100, 10_000],
  ])("%i cells, base %i ms, at most %i/s → every %i ms", (cells, base, rate, expected) => {
    expect(pollPeriodMs(cells, base, rate)).toBe(expected);
  });

  it("nextPollAt is strictly after now, on the cell's phase, within one period", () => {
    for (const [cell, now] of [
      ["smb-us-1", 0],
      ["smb-us-1", 123_456],
      ["enterprise-eu-standard", 40_000 * 7],
    ] as const) {
      const period = 40_000;
      const t = nextPollAt(cell, now, period);
      expect(t).toBeGreaterThan(now);
      expect(t - now).toBeLessThanOrEqual(period);
      expect(t % period).toBe(pollPhaseMs(cell, period));
    }
  });

  it("spreads a 1,000-cell fleet: no second of a period carries much more than the average", () => {
    const cells = Array.from({ length: 1_000 }, (_, i) => `smb-x-${i + 1}`);
    const period = pollPeriodMs(cells.length, 5_000, 25);
    const perSecond = new Map<number, number>();
    for (const c of cells) {
      const s = Math.floor(nextPollAt(c, 1_700_000_000_000, period) / 1000);
      perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
    }
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(25 * 2.5);
    expect(perSecond.size).toBeGreaterThan(35);
  });

  it("chunks samples into batches", () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 1000)).toEqual([]);
    expect(
      chunk(
        Array.from({ length: 5_000 }, (_, i) => i),
        1000,
      ).map((b) => b.length),
    ).toEqual([1000, 1000, 1000, 1000, 1000]);
  });
});
