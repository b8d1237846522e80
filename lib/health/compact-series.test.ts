import { describe, expect, it } from "vitest";
import { compactSeries, expandSeries } from "./compact-series";

const pt = (t: number, errorRate: number) => ({
  t,
  errorRate,
  p99Ms: 305.27064353683625,
  cpu: 0.36974241331872315,
  rps: 393.1398184515474,
});

describe("compact chart series", () => {
  it("round-trips every point, on one time axis, to 4 significant digits", () => {
    const series = { sms: [pt(1000, 0.00023666924730810475), pt(2000, 0.5)], voice: [pt(2000, 0.01), pt(3000, 0)], video: [] };
    const c = compactSeries(series);
    expect(c.t).toEqual([1000, 2000, 3000]);
    expect(c.services.sms!.e).toEqual([0.0002367, 0.5, null]);
    expect(c.services.voice!.e).toEqual([null, 0.01, 0]);
    expect(expandSeries(c)).toEqual({
      sms: [
        { t: 1000, errorRate: 0.0002367, p99Ms: 305.3, cpu: 0.3697, rps: 393.1 },
        { t: 2000, errorRate: 0.5, p99Ms: 305.3, cpu: 0.3697, rps: 393.1 },
      ],
      voice: [
        { t: 2000, errorRate: 0.01, p99Ms: 305.3, cpu: 0.3697, rps: 393.1 },
        { t: 3000, errorRate: 0, p99Ms: 305.3, cpu: 0.3697, rps: 393.1 },
      ],
      video: [],
    });
  });

  it("is smaller than the points as objects", () => {
    const series = Object.fromEntries(
      ["sms", "voice", "video", "whatsapp", "email"].map((s) => [
        s,
        Array.from({ length: 96 }, (_, i) => pt(i * 900_000, Math.random() / 1000)),
      ]),
    );
    expect(JSON.stringify(compactSeries(series)).length).toBeLessThan(JSON.stringify(series).length / 2);
  });
});
