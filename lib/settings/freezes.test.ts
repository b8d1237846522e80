import { describe, expect, it } from "vitest";
import { freezeEnd, minuteOfDay } from "./freezes";

const at = (iso: string) => new Date(iso);
const now = at("2026-12-01T12:00:00Z");

describe("freezeEnd", () => {
  it("a freeze in force ends now", () => {
    expect(freezeEnd({ startsAt: at("2026-12-01T08:00:00Z"), endsAt: at("2026-12-02T08:00:00Z") }, now)).toEqual(now);
  });

  it("a planned freeze ends a millisecond after it starts, so it never covers any time", () => {
    expect(freezeEnd({ startsAt: at("2026-12-24T00:00:00Z"), endsAt: at("2026-12-27T00:00:00Z") }, now)).toEqual(
      at("2026-12-24T00:00:00.001Z"),
    );
  });

  it("an ended freeze cannot end again", () => {
    expect(() => freezeEnd({ startsAt: at("2026-11-01T00:00:00Z"), endsAt: now }, now)).toThrow("this freeze has already ended");
  });
});

describe("minuteOfDay", () => {
  it.each([
    ["00:00", 0],
    ["02:30", 150],
    ["23:59", 1439],
  ])("%s → %i", (hhmm, minutes) => {
    expect(minuteOfDay(hhmm)).toBe(minutes);
  });
});
