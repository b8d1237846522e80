import { describe, expect, it } from "vitest";
import { flagCellStates, flagStateChanges, stepsDue, targets } from "./flag-states";

const t = (iso: string) => new Date(iso);
const cells = [
  { id: "canary-us-internal", tier: "canary", region: "us-east-1" },
  { id: "smb-eu-1", tier: "smb", region: "eu-west-1" },
  { id: "smb-us-1", tier: "smb", region: "us-east-1" },
  { id: "enterprise-eu-1", tier: "enterprise", region: "eu-central-1" },
];
const none = { tiers: [], cells: [], regions: [] };
const flag = {
  key: "newVoiceCodec",
  enabled: true,
  rolloutPercentage: 0,
  percentageSetAt: t("2026-12-01T00:00:00Z"),
  allowlist: ["ent-1", "gone"],
  targeting: { ...none, tiers: ["smb" as const, "canary" as const] },
  schedule: [
    { at: t("2026-12-02T09:00:00Z"), percentage: 5 },
    { at: t("2026-12-03T09:00:00Z"), percentage: 25 },
  ],
};
const homes = { "ent-1": "enterprise-eu-1" };

describe("a flag's state per cell", () => {
  it("is the percentage in force where the targeting takes the cell in, and its allowlisted customers everywhere", () => {
    const s = flagCellStates(flag, cells, homes, t("2026-12-02T10:00:00Z"));
    expect(Object.fromEntries(s)).toEqual({
      "canary-us-internal": { percentage: 5, allowlisted: 0 },
      "smb-eu-1": { percentage: 5, allowlisted: 0 },
      "smb-us-1": { percentage: 5, allowlisted: 0 },
      // outside the targeting (0%), but an allowlisted customer is homed here
      "enterprise-eu-1": { percentage: 0, allowlisted: 1 },
    });
  });

  it("is off everywhere (no entry) when the kill switch is off", () => {
    expect(flagCellStates({ ...flag, enabled: false }, cells, homes, t("2026-12-05T00:00:00Z")).size).toBe(0);
  });

  it.each([
    [{ tiers: [], cells: [], regions: [] }, true],
    [{ tiers: ["smb"], cells: [], regions: [] }, true],
    [{ tiers: ["enterprise"], cells: [], regions: [] }, false],
    [{ tiers: ["smb"], cells: [], regions: ["us-east-1"] }, false],
    [{ tiers: [], cells: ["smb-eu-1"], regions: [] }, true],
  ] as const)("targeting %j takes smb-eu-1 in: %s", (targeting, expected) => {
    expect(targets({ targeting: targeting as never }, cells[1]!)).toBe(expected);
  });
});

describe("flag changes are the difference per cell", () => {
  it("a scheduled step passing yields one change per affected cell, and none for the others", () => {
    const before = flagCellStates(flag, cells, homes, t("2026-12-02T08:59:59Z"));
    const after = flagCellStates(flag, cells, homes, t("2026-12-02T09:00:00Z"));
    const changes = flagStateChanges(before, after, {
      key: flag.key,
      at: t("2026-12-02T09:00:00Z"),
      actor: "system:clock",
      source: "schedule:newVoiceCodec@2026-12-02T09:00:00.000Z",
      scheduled: true,
    });
    expect(changes.map((c) => c.cell)).toEqual(["canary-us-internal", "smb-eu-1", "smb-us-1"]);
    for (const c of changes) {
      expect(c).toMatchObject({
        kind: "flag",
        services: [],
        actor: "system:clock",
        at: t("2026-12-02T09:00:00Z"),
        before: { flag: "newVoiceCodec", percentage: 0, allowlisted: 0 },
        after: { flag: "newVoiceCodec", percentage: 5, allowlisted: 0 },
        link: "/flags/newVoiceCodec",
      });
      expect(c.summary).toBe("flag newVoiceCodec (scheduled step): 0% → 5% in force here");
    }
  });

  it("an edit of the allowlist changes only the cells where allowlisted customers are homed", () => {
    const now = t("2026-12-02T10:00:00Z");
    const before = flagCellStates(flag, cells, homes, now);
    const after = flagCellStates({ ...flag, allowlist: [] }, cells, homes, now);
    const changes = flagStateChanges(before, after, { key: flag.key, at: now, actor: "product@x", source: "audit:7" });
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ cell: "enterprise-eu-1", summary: "flag newVoiceCodec: allowlisted customers here 1 → 0" });
  });

  it("switching the flag off is a change on every cell where it had an effect", () => {
    const now = t("2026-12-04T00:00:00Z");
    const changes = flagStateChanges(flagCellStates(flag, cells, homes, now), new Map(), {
      key: flag.key,
      at: now,
      actor: "product@x",
      source: "audit:8",
    });
    expect(changes.map((c) => [c.cell, c.summary])).toEqual([
      ["canary-us-internal", "flag newVoiceCodec: 25% → 0% in force here"],
      ["enterprise-eu-1", "flag newVoiceCodec: allowlisted customers here 1 → 0"],
      ["smb-eu-1", "flag newVoiceCodec: 25% → 0% in force here"],
      ["smb-us-1", "flag newVoiceCodec: 25% → 0% in force here"],
    ]);
  });

  it("no difference, no change", () => {
    const s = flagCellStates(flag, cells, homes, t("2026-12-02T10:00:00Z"));
    expect(flagStateChanges(s, new Map(s), { key: "k", at: new Date(), actor: "a", source: "s" })).toEqual([]);
  });
});

describe("steps coming due", () => {
  it("are the steps in (from, to], except those a later hand-set percentage overrides", () => {
    expect(stepsDue(flag, t("2026-12-02T08:00:00Z"), t("2026-12-02T09:00:00Z")).map((s) => s.percentage)).toEqual([5]);
    expect(stepsDue(flag, t("2026-12-02T09:00:00Z"), t("2026-12-02T10:00:00Z"))).toEqual([]);
    expect(stepsDue(flag, t("2026-12-01T00:00:00Z"), t("2026-12-04T00:00:00Z")).map((s) => s.percentage)).toEqual([5, 25]);
    const handSetLater = { ...flag, percentageSetAt: t("2026-12-02T12:00:00Z") };
    expect(stepsDue(handSetLater, t("2026-12-01T00:00:00Z"), t("2026-12-04T00:00:00Z")).map((s) => s.percentage)).toEqual([25]);
  });
});
