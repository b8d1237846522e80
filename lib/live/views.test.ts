import { describe, expect, it } from "vitest";
import { isLiveView, LIVE_EVERY_MS, LIVE_VIEWS, stampOf } from "./views";

describe("live views", () => {
  it("stamps are stable for equal state and differ for any change (bigints included)", () => {
    expect(stampOf({ a: 1, b: [2n, "x"] })).toBe(stampOf({ a: 1, b: [2n, "x"] }));
    expect(stampOf({ a: 1, b: [2n, "x"] })).not.toBe(stampOf({ a: 1, b: [3n, "x"] }));
    expect(stampOf(null)).toMatch(/^[0-9a-f]{16}$/);
    expect(stampOf(undefined)).toBe(stampOf(null));
  });

  it("every view has a polling interval, and only known names are views", () => {
    for (const v of LIVE_VIEWS) expect(LIVE_EVERY_MS[v]).toBeGreaterThanOrEqual(1_000);
    expect(isLiveView("alerts")).toBe(true);
    expect(isLiveView("users")).toBe(false);
  });
});
