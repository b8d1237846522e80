import { Unleash, InMemStorageProvider } from "unleash-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bucketOf } from "./bucket";
import { compileFlag, evaluate, evaluateKey, type EvaluationContext } from "./evaluate";
import type { FlagConfig } from "./model";

const NOW = new Date("2026-12-02T12:00:00Z");
const base: FlagConfig = {
  key: "newVoiceCodec",
  enabled: true,
  rolloutPercentage: 25,
  percentageSetAt: new Date("2026-12-01T00:00:00Z"),
  allowlist: ["enterprise-customer-123"],
  salt: "newVoiceCodec",
  targeting: { tiers: [], cells: [], regions: [] },
  schedule: [],
  version: 3,
};
const flag = (over: Partial<FlagConfig> = {}): FlagConfig => ({ ...base, ...over });

// Customers on either side of the 25% line for this salt.
const inside = Array.from({ length: 500 }, (_, i) => `c-${i}`).find((id) => bucketOf("newVoiceCodec", id) <= 25)!;
const outside = Array.from({ length: 500 }, (_, i) => `c-${i}`).find((id) => bucketOf("newVoiceCodec", id) > 25)!;

describe("evaluate: every reason and error code", () => {
  it.each<[string, FlagConfig, EvaluationContext, Partial<ReturnType<typeof evaluate>>]>([
    [
      "disabled → false, DISABLED",
      flag({ enabled: false }),
      { targetingKey: inside },
      { value: false, reason: "DISABLED", variant: "off" },
    ],
    [
      "disabled beats the allowlist",
      flag({ enabled: false }),
      { targetingKey: "enterprise-customer-123" },
      { value: false, reason: "DISABLED" },
    ],
    ["disabled needs no targeting key", flag({ enabled: false }), {}, { value: false, reason: "DISABLED" }],
    ["missing targeting key", flag(), {}, { value: false, reason: "ERROR", errorCode: "TARGETING_KEY_MISSING" }],
    ["empty targeting key", flag(), { targetingKey: "" }, { value: false, reason: "ERROR", errorCode: "TARGETING_KEY_MISSING" }],
    ["targeting key not a string", flag(), { targetingKey: 42 }, { value: false, reason: "ERROR", errorCode: "INVALID_CONTEXT" }],
    [
      "allowlisted → true, TARGETING_MATCH even at 0%",
      flag({ rolloutPercentage: 0 }),
      { targetingKey: "enterprise-customer-123" },
      { value: true, reason: "TARGETING_MATCH", variant: "on" },
    ],
    [
      "allowlisted bypasses targeting",
      flag({ targeting: { tiers: ["smb"], cells: [], regions: [] } }),
      { targetingKey: "enterprise-customer-123", tier: "enterprise" },
      { value: true, reason: "TARGETING_MATCH" },
    ],
    [
      "tier not targeted → false, DEFAULT",
      flag({ targeting: { tiers: ["smb"], cells: [], regions: [] } }),
      { targetingKey: inside, tier: "enterprise" },
      { value: false, reason: "DEFAULT", variant: "off" },
    ],
    [
      "no home cell known while targeting → DEFAULT",
      flag({ targeting: { tiers: ["smb"], cells: [], regions: [] } }),
      { targetingKey: inside },
      { value: false, reason: "DEFAULT" },
    ],
    [
      "region not targeted → DEFAULT",
      flag({ targeting: { tiers: [], cells: [], regions: ["eu-west-1"] } }),
      { targetingKey: inside, region: "us-east-1" },
      { value: false, reason: "DEFAULT" },
    ],
    [
      "cell not targeted → DEFAULT",
      flag({ targeting: { tiers: [], cells: ["smb-eu-1"], regions: [] } }),
      { targetingKey: inside, cell: "smb-eu-2" },
      { value: false, reason: "DEFAULT" },
    ],
    [
      "targeted and in the split → true, SPLIT",
      flag({ targeting: { tiers: ["smb"], cells: [], regions: ["eu-west-1"] } }),
      { targetingKey: inside, tier: "smb", region: "eu-west-1" },
      { value: true, reason: "SPLIT", variant: "on" },
    ],
    ["in the split → true, SPLIT", flag(), { targetingKey: inside }, { value: true, reason: "SPLIT", variant: "on" }],
    ["outside the split → false, SPLIT", flag(), { targetingKey: outside }, { value: false, reason: "SPLIT", variant: "off" }],
    ["0% → nobody, SPLIT", flag({ rolloutPercentage: 0 }), { targetingKey: inside }, { value: false, reason: "SPLIT" }],
    ["100% → everybody, SPLIT", flag({ rolloutPercentage: 100 }), { targetingKey: outside }, { value: true, reason: "SPLIT" }],
  ])("%s", (_name, f, ctx, expected) => {
    expect(evaluate(f, ctx, NOW)).toMatchObject(expected);
  });

  const SMS_25 = { sms: ">=2.5.0" };
  it.each<[string, FlagConfig, string, Record<string, string | null> | null | undefined, Partial<ReturnType<typeof evaluate>>]>([
    [
      "home cell runs a satisfying version → the split as usual",
      flag({ requires: SMS_25 }),
      inside,
      { sms: "v2.5.0" },
      { value: true, reason: "SPLIT" },
    ],
    [
      "home cell runs an older version → false, PREREQUISITE_FAILED",
      flag({ requires: SMS_25 }),
      inside,
      { sms: "v2.4.0" },
      {
        value: false,
        reason: "PREREQUISITE_FAILED",
        variant: "off",
        flagMetadata: { version: 3, prerequisite: "sms >=2.5.0", cellVersion: "v2.4.0" },
      },
    ],
    [
      "prerequisites hold back allowlisted customers too (the code is not there)",
      flag({ requires: SMS_25 }),
      "enterprise-customer-123",
      { sms: "v2.4.9" },
      { value: false, reason: "PREREQUISITE_FAILED" },
    ],
    [
      "a pre-release does not satisfy >=2.5.0",
      flag({ requires: SMS_25 }),
      inside,
      { sms: "v2.5.0-rc.1" },
      { value: false, reason: "PREREQUISITE_FAILED" },
    ],
    [
      "every range must hold",
      flag({ requires: { sms: ">=2.5.0", voice: "^3.2" } }),
      inside,
      { sms: "v2.6.1", voice: "v3.1.2" },
      { value: false, reason: "PREREQUISITE_FAILED", flagMetadata: { version: 3, prerequisite: "voice ^3.2", cellVersion: "v3.1.2" } },
    ],
    [
      "an unknown home cell cannot show it runs the code",
      flag({ requires: SMS_25 }),
      inside,
      null,
      {
        value: false,
        reason: "PREREQUISITE_FAILED",
        flagMetadata: { version: 3, prerequisite: "sms >=2.5.0", cellVersion: "unknown home cell" },
      },
    ],
    ["the kill switch still comes first", flag({ requires: SMS_25, enabled: false }), inside, { sms: "v2.4.0" }, { reason: "DISABLED" }],
    ["no prerequisites, no versions needed", flag(), inside, undefined, { value: true, reason: "SPLIT" }],
  ])("prerequisites: %s", (_name, f, id, versions, expected) => {
    expect(evaluate(f, { targetingKey: id }, NOW, versions)).toMatchObject(expected);
  });

  it("a held ramp stays at its held percentage, whatever the schedule says", () => {
    const ramp = flag({ rolloutPercentage: 0, schedule: [{ at: new Date("2026-12-02T00:00:00Z"), percentage: 100 }] });
    expect(evaluate(ramp, { targetingKey: outside }, NOW)).toMatchObject({ value: true });
    const held = flag({ ...ramp, hold: { at: new Date("2026-12-01T12:00:00Z"), percentage: 5 } });
    expect(evaluate(held, { targetingKey: outside }, NOW)).toMatchObject({ value: false, flagMetadata: { percentage: 5 } });
  });

  it("unknown key → FLAG_NOT_FOUND", () => {
    expect(evaluateKey(new Map([["a", flag({ key: "a" })]]), "nope", { targetingKey: "x" }, NOW)).toMatchObject({
      value: false,
      reason: "ERROR",
      errorCode: "FLAG_NOT_FOUND",
    });
    expect(evaluateKey(new Map([["a", flag({ key: "a" })]]), "a", { targetingKey: inside }, NOW)).toMatchObject({ reason: "SPLIT" });
  });

  it("SPLIT carries the bucket, percentage and version as flag metadata", () => {
    expect(evaluate(flag(), { targetingKey: inside }, NOW).flagMetadata).toEqual({
      version: 3,
      percentage: 25,
      bucket: bucketOf("newVoiceCodec", inside),
    });
  });

  it("the salt, not the key, seeds the bucket (defaulting to the key)", () => {
    const id = "smb-customer-1003";
    const f = flag({ salt: "other", rolloutPercentage: 50 });
    expect(evaluate(f, { targetingKey: id }, NOW).flagMetadata.bucket).toBe(bucketOf("other", id));
    expect(evaluate(flag({ salt: "" }), { targetingKey: id }, NOW).flagMetadata.bucket).toBe(bucketOf("newVoiceCodec", id));
  });

  it("the schedule decides the percentage at `now` (no background job)", () => {
    const f = flag({
      rolloutPercentage: 0,
      schedule: [
        { at: new Date("2026-12-01T00:00:00Z"), percentage: 0 },
        { at: new Date("2026-12-02T00:00:00Z"), percentage: 5 },
        { at: new Date("2026-12-03T00:00:00Z"), percentage: 100 },
      ],
    });
    expect(evaluate(f, { targetingKey: outside }, new Date("2026-12-02T23:59:59.999Z")).value).toBe(false);
    expect(evaluate(f, { targetingKey: outside }, new Date("2026-12-03T00:00:00Z"))).toMatchObject({
      value: true,
      flagMetadata: { percentage: 100 },
    });
  });

  it("a ramp over time only ever adds customers (0 → 5 → 25 → 100)", () => {
    const day = 86_400_000,
      start = Date.parse("2026-12-01T00:00:00Z");
    const f = flag({
      allowlist: [],
      rolloutPercentage: 0,
      percentageSetAt: new Date(start - day),
      schedule: [0, 5, 25, 100].map((percentage, i) => ({ at: new Date(start + [0, 1, 2, 6][i]! * day), percentage })),
    });
    const ids = Array.from({ length: 10_000 }, (_, i) => `ramp-${i}`);
    let before = new Set<string>(),
      lost = 0;
    for (let h = 0; h <= 8 * 24; h += 6) {
      const now = new Date(start + h * 3_600_000);
      const on = new Set(ids.filter((id) => evaluate(f, { targetingKey: id }, now).value));
      for (const id of before) if (!on.has(id)) lost++;
      before = on;
    }
    expect(lost).toBe(0);
    expect(before.size).toBe(ids.length);
  });

  it("compiles a flag once and reuses it", () => {
    const f = flag({ allowlist: [] });
    expect(evaluate(f, { targetingKey: outside }, NOW)).toMatchObject({ value: false, reason: "SPLIT" });
    const compiled = compileFlag(f);
    // From the first evaluation on, the compiled form answers: an edit of the object in place (which
    // the store never makes — a change is a new object with a new version) is not seen…
    f.allowlist.push(outside);
    f.rolloutPercentage = 100;
    expect(evaluate(f, { targetingKey: outside }, NOW)).toMatchObject({ value: false, reason: "SPLIT", flagMetadata: { percentage: 25 } });
    expect(compileFlag(f)).toBe(compiled);
    // …while the new object a change makes is compiled afresh.
    expect(evaluate({ ...f, version: 4 }, { targetingKey: outside }, NOW)).toMatchObject({ value: true, reason: "TARGETING_MATCH" });
  });
});

describe("same answers as unleash-client's isEnabled", () => {
  let unleash: Unleash;
  const pct = 37;
  const allow = ["c-3", "c-10", "c-4242"];
  beforeAll(async () => {
    unleash = new Unleash({
      appName: "cellplane-test",
      url: "http://127.0.0.1:9/unused",
      refreshInterval: 0,
      disableMetrics: true,
      storageProvider: new InMemStorageProvider(),
      skipInstanceCountWarning: true,
      bootstrap: {
        data: [
          {
            name: "checkout",
            enabled: true,
            strategies: [
              { name: "userWithId", parameters: { userIds: allow.join(",") } },
              { name: "flexibleRollout", parameters: { rollout: String(pct), stickiness: "userId", groupId: "checkout-salt" } },
            ],
          },
        ] as never,
      },
    });
    await new Promise<void>((resolve) => unleash.once("synchronized", () => resolve()));
  });
  afterAll(() => unleash.destroy());

  it("for 10,000 customers, with an allowlist and a 37% rollout", () => {
    const f = flag({ key: "checkout", salt: "checkout-salt", rolloutPercentage: pct, allowlist: allow });
    for (let i = 0; i < 10_000; i++) {
      const id = `c-${i}`;
      expect(evaluate(f, { targetingKey: id }, NOW).value, id).toBe(unleash.isEnabled("checkout", { userId: id }));
    }
  });
});
