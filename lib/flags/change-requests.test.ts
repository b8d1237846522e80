// The pure rules of protected flags' change requests: what applies at once, what a request stores and
// shows, and who may decide it when.
import { describe, expect, it } from "vitest";
import {
  appliesAtOnce,
  changedFields,
  decisionProblem,
  describeValue,
  diffSummary,
  patchOf,
  requestDiff,
  staleness,
  storedSpec,
} from "./change-requests";
import { flagSpecSchema, specChanges, specInput, type FlagSpec, type FlagSpecInput } from "./model";

const spec = (o: Partial<FlagSpecInput> = {}): FlagSpec =>
  flagSpecSchema.parse({
    key: "videoBackgroundBlur",
    owner: "video-team",
    enabled: false,
    rolloutPercentage: 25,
    allowlist: ["enterprise-customer-123"],
    protected: true,
    ...o,
  });

describe("appliesAtOnce: only switching a protected flag off skips the request", () => {
  it.each([
    [["enabled"], false, true],
    [["enabled"], true, false],
    [["enabled", "rolloutPercentage"], false, false],
    [["rolloutPercentage"], false, false],
    [["protected"], false, false],
    [["owner"], true, false],
  ] as const)("%j with enabled=%s → %s", (fields, enabled, expected) => {
    expect(appliesAtOnce(fields, { enabled })).toBe(expected);
  });
});

describe("changedFields", () => {
  it("adds the percentage when it is set again by hand at the same value (its hold restarts)", () => {
    expect(changedFields({ owner: "x" }, false)).toEqual(["owner"]);
    expect(changedFields({}, true)).toEqual(["rolloutPercentage"]);
    expect(changedFields({ rolloutPercentage: 40 }, true)).toEqual(["rolloutPercentage"]);
  });
});

describe("what a request stores", () => {
  const guard = {
    checks: ["error_rate < 2x baseline", { check: "error_rate < 1%", min_samples: 5 }],
    onBreach: "revert" as const,
    watchFor: "2h",
  };
  const before = spec();
  const next = spec({
    rolloutPercentage: 40,
    guard,
    schedule: [{ at: "2026-12-01T09:00:00Z", percentage: 50 }],
  });

  it("stores specs in their input form, so a stored patch applies through the flag model again", () => {
    const fields = Object.keys(specChanges(before, next).after);
    expect(fields.sort()).toEqual(["guard", "rolloutPercentage", "schedule"]);
    const patch = patchOf(next, fields);
    expect(patch).toEqual({
      rolloutPercentage: 40,
      schedule: [{ at: "2026-12-01T09:00:00.000Z", percentage: 50 }],
      guard: {
        checks: ["error_rate < 2x baseline", { check: "error_rate < 1%", min_samples: 5 }],
        onBreach: "revert",
        watchHandRaised: false,
        notify: null,
        watchFor: "2h",
      },
    });
    // Applied to the flag as it was (itself as input), the patch gives exactly the proposed spec.
    const applied = flagSpecSchema.parse(JSON.parse(JSON.stringify({ ...specInput(before), ...patch })));
    expect(specChanges(next, applied).after).toEqual({});
  });

  it("a guard whose keys come back in another order (jsonb) is no change", () => {
    const reordered = { ...next, guard: Object.fromEntries(Object.entries(next.guard!).reverse()) as FlagSpec["guard"] };
    expect(specChanges(next, reordered).after).toEqual({});
    expect(requestDiff(storedSpec(next), storedSpec(reordered))).toEqual([]);
  });

  it("stores the salt resolved and `protected` explicit; never the key", () => {
    const s = storedSpec(flagSpecSchema.parse({ key: "k" }));
    expect(s).toMatchObject({ salt: "k", protected: false });
    expect(s).not.toHaveProperty("key");
  });

  it("shows the diff field by field, in words, only what differs", () => {
    const diff = requestDiff(storedSpec(before), storedSpec(next));
    expect(diff).toEqual([
      { field: "rolloutPercentage", before: "25%", after: "40%" },
      { field: "schedule", before: "none", after: "50% at 2026-12-01 09:00 UTC" },
      { field: "guard", before: "none", after: "error_rate < 2x baseline, error_rate < 1%; on breach revert; watch 2h" },
    ]);
    expect(diffSummary(diff)).toBe(
      "rolloutPercentage 25% → 40%; schedule none → 50% at 2026-12-01 09:00 UTC; guard none → error_rate < 2x baseline, error_rate < 1%; on breach revert; watch 2h",
    );
    expect(requestDiff(storedSpec(before), storedSpec(before))).toEqual([]);
  });

  it.each([
    ["enabled", true, "on"],
    ["protected", false, "not protected"],
    ["allowlist", [], "none"],
    ["targeting", { tiers: ["smb"], cells: [], regions: ["eu-west-1"] }, "tiers smb; regions eu-west-1"],
    ["targeting", { tiers: [], cells: [], regions: [] }, "everyone"],
    ["requires", { sms: ">=2.5.0" }, "sms >=2.5.0"],
    ["owner", "", "(empty)"],
    ["owner", "video-team", '"video-team"'],
  ])("describes %s %j as %s", (field, value, text) => {
    expect(describeValue(field, value)).toBe(text);
  });
});

describe("decisionProblem: four-eyes, once, and only at the version it was made against", () => {
  const req = {
    flagKey: "videoBackgroundBlur",
    status: "pending" as const,
    requestedBy: "product@x",
    baseVersion: 3,
    decidedBy: null,
    decidedAt: null,
  };
  it.each([
    ["another product owner approves at the base version", req, "approve", "product2@x", 3, null],
    ["the requester approves", req, "approve", "product@x", 3, "PRECONDITION"],
    ["someone approves after the flag moved on (stale)", req, "approve", "admin@x", 4, "CONFLICT"],
    ["someone approves a request whose flag is gone", req, "approve", "admin@x", null, "CONFLICT"],
    ["the requester withdraws", req, "reject", "product@x", 3, null],
    ["someone rejects a stale request", req, "reject", "admin@x", 4, null],
    [
      "a second decision",
      { ...req, status: "approved" as const, decidedBy: "admin@x", decidedAt: new Date("2026-12-01T10:00:00Z") },
      "reject",
      "product2@x",
      4,
      "CONFLICT",
    ],
  ] as const)("%s", (_what, r, kind, by, version, code) => {
    const p = decisionProblem(r, { kind, by, comment: "ok" }, version);
    expect(p?.code ?? null).toBe(code);
  });

  it("says why, in words", () => {
    expect(decisionProblem(req, { kind: "approve", by: "product@x", comment: "" }, 3)?.message).toBe(
      "four-eyes: the person who requested a flag change cannot approve it",
    );
    expect(staleness(req, 5)).toBe(
      'Stale: "videoBackgroundBlur" changed since this request (version 3 → 5); it can only be rejected — the requester proposes it again.',
    );
    expect(
      decisionProblem(
        { ...req, status: "rejected", decidedBy: "admin@x", decidedAt: new Date("2026-12-01T10:00:00Z") },
        {
          kind: "approve",
          by: "product2@x",
          comment: "",
        },
        3,
      )?.message,
    ).toBe("This request was already rejected by admin@x at 2026-12-01 10:00 UTC.");
  });
});
