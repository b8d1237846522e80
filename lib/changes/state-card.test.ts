import { describe, expect, it } from "vitest";
import { prerequisitesHoldOn } from "./state-card";

describe("the state card's prerequisites column", () => {
  it.each([
    ["no prerequisites", {}, { sms: "v2.4.0" }, null],
    ["absent", undefined, { sms: "v2.4.0" }, null],
    ["satisfied (a leading v is fine)", { sms: ">=2.5.0" }, { sms: "v2.5.1" }, true],
    ["not yet", { sms: ">=2.5.0" }, { sms: "v2.4.0" }, false],
    ["every service must satisfy", { sms: ">=2.5.0", voice: "^3.0.0" }, { sms: "v2.6.0", voice: "v2.9.0" }, false],
    ["a service the cell has not reported", { video: ">=1.0.0" }, { sms: "v2.6.0" }, false],
    ["an unreported version", { sms: ">=2.5.0" }, { sms: null }, false],
  ] as const)("%s", (_n, requires, versions, want) => {
    expect(prerequisitesHoldOn(requires as Record<string, string> | undefined, versions)).toBe(want);
  });
});
