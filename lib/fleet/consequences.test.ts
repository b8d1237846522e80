import { describe, expect, it } from "vitest";
import { confirms, consequences, retirePhrase } from "./consequences";

const homed = [
  { id: "c-1", name: "Acme", plan: "smb", cell: "smb-1", tier: "smb" },
  { id: "c-2", name: "Mercy General", plan: "enterprise", cell: "smb-1", tier: "smb" },
  { id: "c-3", name: "Bank", plan: "standard", cell: "ent-1", tier: "enterprise" },
  { id: "c-4", name: "Elsewhere", plan: "enterprise", cell: "smb-9", tier: "smb" },
];

describe("consequences of touching cells", () => {
  it("counts the customers homed in the cells and names the enterprise ones (plan or enterprise cell)", () => {
    expect(consequences(["smb-1", "ent-1"], homed)).toEqual({
      cells: ["smb-1", "ent-1"],
      customers: 3,
      enterprise: [
        { id: "c-2", name: "Mercy General", cell: "smb-1" },
        { id: "c-3", name: "Bank", cell: "ent-1" },
      ],
    });
    expect(consequences([], homed)).toEqual({ cells: [], customers: 0, enterprise: [] });
  });

  it.each([
    ["rel-1", "rel-1", true],
    ["  rel-1 ", "rel-1", true],
    ["rel-", "rel-1", false],
    ["", "rel-1", false],
    [undefined, "rel-1", false],
  ])("typed %j confirms %j: %s", (typed, phrase, ok) => expect(confirms(typed, phrase)).toBe(ok));

  it("asks to type how many cells an import retires", () => {
    expect(retirePhrase(1)).toBe("retire 1 cell");
    expect(retirePhrase(15)).toBe("retire 15 cells");
  });
});
