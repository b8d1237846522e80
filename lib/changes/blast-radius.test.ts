import { describe, expect, it } from "vitest";
import { blastRadius, type BlastFacts, blastTargetSchema, confirmation, seenWarningsField, unseen } from "./blast-radius";

const now = new Date("2026-12-05T10:00:00Z");
const facts = (o: Partial<BlastFacts> = {}): BlastFacts => ({
  cells: [
    { id: "canary-us-internal", tier: "canary", region: "us-east-1" },
    { id: "smb-us-1", tier: "smb", region: "us-east-1" },
    { id: "enterprise-us-hipaa", tier: "enterprise", region: "us-east-1" },
  ],
  customers: [
    { id: "c1", name: "Acme", plan: "pro", cell: "smb-us-1" },
    { id: "enterprise-customer-123", name: "Mercy General Hospital", plan: "enterprise", cell: "enterprise-us-hipaa" },
  ],
  freezes: [],
  windows: [],
  inFlight: { releases: [], ramps: [], migrations: [] },
  ...o,
});

describe("blast radius", () => {
  it("names the cells, counts the customers and names the enterprise ones", () => {
    const r = blastRadius(facts());
    expect(r.cells).toEqual(["canary-us-internal", "enterprise-us-hipaa", "smb-us-1"]);
    expect(r.tiers).toEqual({ canary: 1, smb: 1, enterprise: 1 });
    expect(r.customers).toEqual({
      total: 2,
      enterprise: [{ id: "enterprise-customer-123", name: "Mercy General Hospital", cell: "enterprise-us-hipaa" }],
    });
    expect(r.warnings).toEqual([]);
  });

  it("warns of what is in force and in flight on those cells — and only on those", () => {
    const r = blastRadius(
      facts({
        freezes: [{ id: "3", endsAt: new Date("2026-12-06T00:00:00Z"), reason: "incident" }],
        windows: [
          { id: "9", scope: "tier:smb", cells: ["smb-us-1"], end: new Date("2026-12-05T11:00:00Z") },
          { id: "10", scope: "smb-eu-1", cells: ["smb-eu-1"], end: new Date("2026-12-05T11:00:00Z") },
        ],
        inFlight: {
          releases: [
            { id: "rel-1", title: "sms v2.6.0", status: "running", cells: ["canary-us-internal", "smb-eu-1"] },
            { id: "rel-2", title: "voice v3.2.0", status: "running", cells: ["smb-eu-1"] },
          ],
          ramps: [
            { key: "newVoiceCodec", next: { at: new Date("2026-12-06T09:00:00Z"), percentage: 25 }, cells: ["smb-us-1", "smb-eu-1"] },
          ],
          migrations: [{ id: "m1", status: "running", phase: "backfill", cells: ["enterprise-us-hipaa"] }],
        },
      }),
    );
    expect(r.warnings.map((w) => w.key)).toEqual(["freeze:3", "window:9", "release:rel-1", "ramp:newVoiceCodec", "migration:m1"]);
    expect(r.warnings.find((w) => w.key === "release:rel-1")!.message).toBe(
      "Release rel-1 (sms v2.6.0, running) is already in flight on canary-us-internal.",
    );
  });

  it("does not warn about the change itself", () => {
    const inFlight = { releases: [], ramps: [{ key: "f", next: { at: now, percentage: 5 }, cells: ["smb-us-1"] }], migrations: [] };
    expect(blastRadius(facts({ inFlight, self: { flag: "f" } })).warnings).toEqual([]);
  });

  it("reaches nothing: warns of nothing", () => {
    expect(blastRadius(facts({ cells: [], customers: [], freezes: [{ id: "1", endsAt: now, reason: "x" }] })).warnings).toEqual([]);
  });

  it("a confirmation is refused only for a warning the click did not see, and records what was shown", () => {
    const r = blastRadius(facts({ freezes: [{ id: "3", endsAt: now, reason: "incident" }] }));
    expect(unseen(r, [])).toHaveLength(1);
    expect(unseen(r, ["freeze:3"])).toEqual([]);
    expect(confirmation(r, ["freeze:3"])).toMatchObject({
      warningsShown: [{ key: "freeze:3" }],
      seen: ["freeze:3"],
      cells: 3,
      customers: 2,
      enterprise: ["Mercy General Hospital"],
    });
  });
});

describe("inputs", () => {
  it("the warnings seen come as a list or as a form field's JSON text", () => {
    expect(seenWarningsField.parse(["a"])).toEqual(["a"]);
    expect(seenWarningsField.parse('["a","b"]')).toEqual(["a", "b"]);
    expect(seenWarningsField.parse(undefined)).toBeUndefined();
    expect(seenWarningsField.safeParse("{").success).toBe(false);
    expect(seenWarningsField.safeParse("[1]").success).toBe(false);
  });

  it("targets are one of five kinds", () => {
    expect(blastTargetSchema.safeParse({ kind: "release", pipeline: "standard", versions: { sms: "v1" } }).success).toBe(true);
    expect(blastTargetSchema.safeParse({ kind: "flag", key: "k", percentage: 101 }).success).toBe(false);
    expect(blastTargetSchema.safeParse({ kind: "route", route: "POST /v2/Calls", action: "enable" }).success).toBe(true);
    expect(blastTargetSchema.safeParse({ kind: "nuke" }).success).toBe(false);
  });
});
