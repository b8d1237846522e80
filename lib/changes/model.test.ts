import { describe, expect, it } from "vitest";
import { changeQuerySchema, decodeCursor, encodeCursor, fromSearchParams, groupBySource, toFilter } from "./model";

describe("change filters", () => {
  it("accept repeated or comma-separated lists, instants with a zone, a page size and a cursor", () => {
    const cursor = encodeCursor({ at: new Date("2026-12-05T10:00:00.123Z"), id: "77" });
    const q = changeQuerySchema.parse(
      fromSearchParams(
        new URLSearchParams(
          `cell=smb-us-1,smb-us-2&cell=smb-us-1&kind=version&kind=flag&since=2026-12-05T00:00:00Z&limit=50&cursor=${cursor}`,
        ),
      ),
    );
    expect(toFilter(q)).toEqual({
      cells: ["smb-us-1", "smb-us-2"],
      services: [],
      kinds: ["version", "flag"],
      tiers: [],
      regions: [],
      actor: undefined,
      since: new Date("2026-12-05T00:00:00Z"),
      until: undefined,
      limit: 50,
      cursor: { at: new Date("2026-12-05T10:00:00.123Z"), id: "77" },
    });
  });

  it.each([
    ["kind=deploys", "kind"],
    ["since=yesterday", "since"],
    ["limit=0", "limit"],
    ["limit=501", "limit"],
    ["cursor=abc", "cursor"],
    ["tier=gold", "tier"],
    ["cell=smb us", "cell"],
    ["since=2026-12-05T00:00:00Z&until=2026-12-04T00:00:00Z", "until"],
  ])("%s is refused, naming %s", (qs, field) => {
    const r = changeQuerySchema.safeParse(fromSearchParams(new URLSearchParams(qs)));
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path[0])).toContain(field);
  });

  it("cursors round-trip and reject anything else", () => {
    const c = { at: new Date("2026-12-05T10:00:00.000Z"), id: "12345678901234" };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    expect(decodeCursor("1.x")).toBeNull();
  });
});

describe("grouping for display", () => {
  it("folds consecutive rows of one origin into one entry with its cells", () => {
    const row = (source: string, cell: string | null, summary = "s") => ({ source, kind: "flag", summary, cell });
    const groups = groupBySource([row("audit:1", "a"), row("audit:1", "b"), row("audit:2", null), row("audit:1", "c")]);
    expect(groups.map((g) => [g.first.source, g.cells])).toEqual([
      ["audit:1", ["a", "b"]],
      ["audit:2", []],
      ["audit:1", ["c"]],
    ]);
  });
});
