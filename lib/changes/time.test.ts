import { describe, expect, it } from "vitest";
import { freezeBoundaries, occurrences, windowBoundaries } from "./time";

const t = (iso: string) => new Date(iso);

describe("freezes starting and ending", () => {
  const freeze = {
    id: "3",
    startsAt: t("2026-12-24T00:00:00Z"),
    endsAt: t("2026-12-27T00:00:00Z"),
    reason: "holidays",
    createdAt: t("2026-12-01T00:00:00Z"),
  };

  it("a planned freeze starts and ends as time passes, each once", () => {
    expect(freezeBoundaries([freeze], t("2026-12-23T23:59:59Z"), t("2026-12-24T00:00:01Z"))).toEqual([
      expect.objectContaining({ kind: "freeze", cell: null, at: freeze.startsAt, source: "freeze:3:start", actor: "system:clock" }),
    ]);
    expect(freezeBoundaries([freeze], t("2026-12-24T00:00:00Z"), t("2026-12-26T00:00:00Z"))).toEqual([]);
    expect(freezeBoundaries([freeze], t("2026-12-26T23:00:00Z"), t("2026-12-27T00:00:00Z"))).toEqual([
      expect.objectContaining({ at: freeze.endsAt, source: "freeze:3:end", summary: "freeze ended: holidays" }),
    ]);
  });

  it("a freeze created already in force has no separate start (its creation was it)", () => {
    const now = { ...freeze, createdAt: t("2026-12-24T00:00:00Z") };
    expect(freezeBoundaries([now], t("2026-12-23T00:00:00Z"), t("2026-12-24T01:00:00Z"))).toEqual([]);
  });
});

describe("maintenance windows opening and closing", () => {
  // Tuesdays 02:30 for 60 min, local time of each cell
  const w = { id: "9", scope: "tier:smb", weekday: 2, startMinute: 150, durationMin: 60 };

  it("occurrences are in the cell's own zone", () => {
    // Tue 2026-12-08 02:30 in New York = 07:30 UTC
    expect(occurrences(w, "America/New_York", t("2026-12-08T00:00:00Z"), t("2026-12-08T23:00:00Z"))).toEqual([
      { start: t("2026-12-08T07:30:00Z"), end: t("2026-12-08T08:30:00Z") },
    ]);
  });

  it("one change per cell in scope as each window opens and closes", () => {
    const cells = [
      { id: "smb-us-1", tier: "smb", region: "us-east-1" },
      { id: "smb-eu-1", tier: "smb", region: "eu-west-1" },
      { id: "enterprise-us-1", tier: "enterprise", region: "us-east-1" },
    ];
    const out = windowBoundaries([w], cells, t("2026-12-08T00:00:00Z"), t("2026-12-08T08:00:00Z"));
    expect(out.map((c) => [c.cell, c.at.toISOString(), c.summary.split(" (")[0]])).toEqual([
      ["smb-us-1", "2026-12-08T07:30:00.000Z", "maintenance window opened"],
      ["smb-eu-1", "2026-12-08T02:30:00.000Z", "maintenance window opened"],
      ["smb-eu-1", "2026-12-08T03:30:00.000Z", "maintenance window closed"],
    ]);
    // asked again over an overlapping range: the same sources, so recorded once
    const again = windowBoundaries([w], cells, t("2026-12-08T02:00:00Z"), t("2026-12-08T09:00:00Z"));
    expect(again.filter((c) => out.some((o) => o.source === c.source && o.cell === c.cell))).toHaveLength(3);
  });
});
