import { describe, expect, it } from "vitest";
import { boundedNormal, hashString, seededRandom, uniform } from "./random";

describe("seeded randomness", () => {
  it.each([
    ["", 0x811c9dc5],
    ["a", 0xe40c292c],
    ["foobar", 0xbf9cf968],
  ])("FNV-1a of %j is %i", (s, h) => {
    expect(hashString(s)).toBe(h);
  });

  it("gives the same sequence for the same seed and another for another seed", () => {
    const a = seededRandom("s1"),
      b = seededRandom("s1"),
      c = seededRandom("s2");
    const xs = Array.from({ length: 50 }, () => a());
    expect(Array.from({ length: 50 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 50 }, () => c())).not.toEqual(xs);
  });

  it("stays in [0, 1), spreads evenly, and uniform() respects its bounds", () => {
    const r = seededRandom(42);
    const bins = new Array(10).fill(0);
    let min = 1,
      max = 0;
    for (let i = 0; i < 20_000; i++) {
      const x = r();
      min = Math.min(min, x);
      max = Math.max(max, x);
      bins[Math.floor(x * 10)]++;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    for (const n of bins) expect(n).toBeGreaterThan(1_800);
    for (let i = 0; i < 1_000; i++) {
      const u = uniform(r, 2, 8);
      expect(u).toBeGreaterThanOrEqual(2);
      expect(u).toBeLessThan(8);
    }
  });

  it("boundedNormal has mean ≈ 0, sd ≈ 1, and never leaves ±limit", () => {
    const r = seededRandom(7);
    const xs = Array.from({ length: 20_000 }, () => boundedNormal(r, 2));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(sd).toBeGreaterThan(0.85);
    expect(sd).toBeLessThan(1.0);
    expect(Math.max(...xs.map(Math.abs))).toBeLessThanOrEqual(2);
  });
});
