import { describe, expect, it } from "vitest";
import { RANKING_RULE, rankChanges, rankedLines, sameCellAndService, windowBefore, windowMinutes } from "./rank";

const at = (min: number) => new Date(Date.UTC(2026, 11, 5, 10, min));
const c = (id: string, kind: string, cell: string | null, services: string[], min: number) => ({
  id,
  kind,
  cell,
  services,
  at: at(min),
  summary: id,
});

describe("what changed? ranking", () => {
  const focus = { cells: ["smb-us-1"], services: ["sms"] };
  const changes = [
    // newest first, as the log returns them
    c("settings", "settings", null, [], 29),
    c("flag-other-cell", "flag", "smb-us-2", [], 28),
    c("route", "route", null, ["sms"], 27),
    c("flag-here", "flag", "smb-us-1", [], 26),
    c("deploy-voice-here", "deploy", "smb-us-1", ["voice"], 25),
    c("version-other-cell", "version", "smb-us-2", ["sms"], 24),
    c("ack-here", "ack", "smb-us-1", [], 23),
    c("version-here", "version", "smb-us-1", ["sms"], 12),
    c("deploy-here", "deploy", "smb-us-1", ["sms"], 10),
  ];

  it("puts the same cell and service first, then version changes, then flags, then the rest — newest first within each", () => {
    expect(rankChanges(changes, focus).map((r) => r.change.id)).toEqual([
      "version-here",
      "deploy-here",
      "flag-here",
      "ack-here",
      "deploy-voice-here",
      "version-other-cell",
      "flag-other-cell",
      "settings",
      "route",
    ]);
  });

  it("says why each one is where it is", () => {
    const why = Object.fromEntries(rankChanges(changes, focus).map((r) => [r.change.id, r.why]));
    expect(why["version-here"]).toBe("same cell and service · version change");
    expect(why["deploy-voice-here"]).toBe("same cell · version change");
    expect(why["flag-other-cell"]).toBe("other cell · flag change");
    expect(why.route).toBe("every cell · other change");
  });

  it.each([
    [c("x", "flag", "smb-us-1", [], 0), true],
    [c("x", "version", "smb-us-1", ["sms"], 0), true],
    [c("x", "version", "smb-us-1", ["voice"], 0), false],
    [c("x", "version", "smb-us-2", ["sms"], 0), false],
    [c("x", "freeze", null, [], 0), false],
  ])("%j on the same cell and service: %s", (change, expected) => {
    expect(sameCellAndService(change, focus)).toBe(expected);
  });

  it("with no service in focus, any change on the cell counts as on its service", () => {
    expect(sameCellAndService(c("x", "version", "smb-us-1", ["voice"], 0), { cells: ["smb-us-1"], services: [] })).toBe(true);
  });

  it("has a one-line explanation", () => expect(RANKING_RULE).not.toContain("\n"));

  it("renders plain text lines for notifications, capped", () => {
    const lines = rankedLines(rankChanges(changes, focus), 2);
    expect(lines).toEqual(["1. 10:12:00Z smb-us-1: version-here", "2. 10:10:00Z smb-us-1: deploy-here", "… and 7 more"]);
  });
});

describe("the window before", () => {
  it("is the chosen minutes before the start", () => {
    expect(windowBefore(at(30), 30)).toEqual({ since: at(0), until: at(30) });
  });
  it.each([
    [undefined, 30],
    ["60", 60],
    [["120"], 120],
    ["7", 30],
    ["abc", 30],
  ] as const)("changesWindow=%j → %i min", (v, n) => expect(windowMinutes(v as never)).toBe(n));
});
