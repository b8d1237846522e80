import { describe, expect, it } from "vitest";
import { freezeEnd, freezeInForce, freezeText, frozenRefusal, frozenStretch, minuteOfDay } from "./freezes";

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

describe("freezes in force", () => {
  const f = (from: string, to: string, reason = "r") => ({ startsAt: at(from), endsAt: at(to), reason });
  const a = f("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z", "a");
  const b = f("2026-12-01T12:00:00Z", "2026-12-03T00:00:00Z", "b");
  const c = f("2026-12-03T00:00:00Z", "2026-12-04T00:00:00Z", "c");
  const later = f("2026-12-10T00:00:00Z", "2026-12-11T00:00:00Z", "later");

  it.each([
    ["before any", "2026-11-30T23:59:59.999Z", null, null],
    ["at the start (inclusive)", "2026-12-01T00:00:00Z", "a", "2026-12-01T00:00:00.000Z"],
    ["two overlap: the one ending last", "2026-12-01T13:00:00Z", "b", "2026-12-01T00:00:00.000Z"],
    ["one takes over when another ends: one stretch", "2026-12-03T06:00:00Z", "c", "2026-12-01T00:00:00.000Z"],
    ["at the end (exclusive)", "2026-12-04T00:00:00Z", null, null],
    ["a later one stands alone", "2026-12-10T06:00:00Z", "later", "2026-12-10T00:00:00.000Z"],
  ])("%s", (_, when, reason, from) => {
    const all = [later, c, b, a];
    expect(freezeInForce(all, at(when))?.reason ?? null).toBe(reason);
    expect(frozenStretch(all, at(when))?.from.toISOString() ?? null).toBe(from);
  });

  it("one way to name a freeze, and to refuse a change because of it", () => {
    expect(freezeText(b)).toBe("fleet freeze until 2026-12-03 00:00 UTC: b");
    const e = frozenRefusal("Enabling GET /v2/sms", b, "Deprecating still works.");
    expect(e).toMatchObject({ code: "PRECONDITION" });
    expect(e.message).toBe(
      "Enabling GET /v2/sms is refused during the fleet freeze until 2026-12-03 00:00 UTC: b. Deprecating still works. Nothing was changed.",
    );
  });
});
