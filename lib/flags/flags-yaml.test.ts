import { describe, expect, it } from "vitest";
import { SpecValidationError } from "@/lib/yaml-errors";
import { FLAGS_YAML } from "@/tests/support/yaml-fixtures";
import { checkFlagsDocument, exportFlagsYaml, mentionedCustomers, parseFlagsYaml } from "./flags-yaml";
import { specChanges } from "./model";

const refs = {
  customers: new Set(["enterprise-customer-123", "smb-customer-1001"]),
  cells: new Set(["smb-us-1", "enterprise-us-hipaa"]),
  regions: new Set(["us-east-1", "eu-west-1"]),
  services: new Set(["sms", "voice"]),
};

/** A file of one flag, `a`, with these lines under it: line 1 is `flags:`, line 2 the key, line 3 the first of them. */
const flagA = (...lines: string[]) => `flags:\n  - key: a\n${lines.map((l) => `    ${l}\n`).join("")}`;

function errorsOf(text: string, check = false): string[] {
  try {
    const doc = parseFlagsYaml(text);
    if (check) checkFlagsDocument(doc, refs);
  } catch (e) {
    if (e instanceof SpecValidationError) return e.errors.map((x) => `${x.line}: ${x.field}: ${x.message}`);
    throw e;
  }
  return [];
}

describe("flags YAML", () => {
  it("parses the documented shape with defaults", () => {
    const doc = parseFlagsYaml(FLAGS_YAML);
    expect(doc.flags).toHaveLength(2);
    expect(doc.flags[0]).toMatchObject({
      key: "newVoiceCodec",
      enabled: true,
      allowlist: ["enterprise-customer-123"],
      targeting: { tiers: ["enterprise"], cells: [], regions: ["us-east-1"] },
    });
    expect(doc.flags[0]!.requires).toEqual({ voice: ">=3.2.0" });
    expect(doc.flags[0]!.guard).toEqual({
      checks: [
        { kind: "relative", metric: "error_rate", factor: 2, source: "error_rate < 2x baseline" },
        { kind: "error_rate", max: 0.01, source: "error_rate < 1%", minSamples: 5 },
      ],
      onBreach: "revert",
      watchHandRaised: false,
      notify: "slack://voice-team",
      watchForMs: 3_600_000,
    });
    expect(doc.flags[1]).toMatchObject({ requires: {}, guard: null });
    expect(doc.flags[0]!.schedule.map((s) => [s.at.toISOString(), s.percentage])).toEqual([
      ["2026-12-01T09:00:00.000Z", 0],
      ["2026-12-02T09:00:00.000Z", 5],
    ]);
    expect(doc.flags[1]).toMatchObject({
      key: "checkout.v2",
      enabled: false,
      rolloutPercentage: 0,
      allowlist: [],
      schedule: [],
      description: "",
    });
    expect(mentionedCustomers(doc)).toEqual(["enterprise-customer-123"]);
    expect(() => checkFlagsDocument(doc, refs)).not.toThrow();
  });

  it("exports in the same shape: export → parse gives the same flags", () => {
    const doc = parseFlagsYaml(FLAGS_YAML);
    const again = parseFlagsYaml(exportFlagsYaml(doc.flags));
    expect(again.flags.map((f) => f.key)).toEqual(["checkout.v2", "newVoiceCodec"]);
    for (const f of doc.flags) {
      const g = again.flags.find((x) => x.key === f.key)!;
      expect(specChanges({ ...f, salt: f.salt ?? f.key }, g)).toEqual({ before: {}, after: {} });
    }
  });

  it("quotes what YAML would otherwise misread", () => {
    const text = exportFlagsYaml([
      {
        key: "yes",
        description: 'a "quoted": text',
        owner: "",
        enabled: false,
        rolloutPercentage: 0,
        allowlist: ["on", "1234"],
        salt: "null",
        targeting: { tiers: [], cells: [], regions: [] },
        schedule: [],
        requires: {},
        guard: null,
      },
    ]);
    const f = parseFlagsYaml(text).flags[0]!;
    expect(f).toMatchObject({ key: "yes", description: 'a "quoted": text', allowlist: ["on", "1234"], salt: "null" });
    expect(exportFlagsYaml([])).toContain("flags: []");
    expect(parseFlagsYaml(exportFlagsYaml([])).flags).toEqual([]);
  });

  it.each([
    ["percentage above 100", flagA("rolloutPercentage: 101"), "3: flags[0].rolloutPercentage: must be a whole number from 0 to 100"],
    ["percentage not whole", flagA("rolloutPercentage: 12.5"), "3: flags[0].rolloutPercentage: must be a whole number from 0 to 100"],
    ["percentage as text", flagA('rolloutPercentage: "5"'), "3: flags[0].rolloutPercentage: must be a whole number from 0 to 100"],
    [
      "negative step percentage",
      flagA("schedule:", "  - { at: 2026-12-01T00:00:00Z, percentage: -1 }"),
      "4: flags[0].schedule[0].percentage: must be a whole number from 0 to 100",
    ],
    ["bad key", "flags:\n  - key: 9lives\n", "2: flags[0].key: must start with a letter"],
    ["key with a space", "flags:\n  - key: new codec\n", "2: flags[0].key: must start with a letter"],
    ["missing key", "flags:\n  - enabled: true\n", "2: flags[0].key: required"],
    [
      "schedule out of time order",
      flagA("schedule:", "  - { at: 2026-12-02T00:00:00Z, percentage: 5 }", "  - { at: 2026-12-01T00:00:00Z, percentage: 25 }"),
      "5: flags[0].schedule[1].at: not in time order: 2026-12-01T00:00:00.000Z is not after the previous step (2026-12-02T00:00:00.000Z)",
    ],
    [
      "two steps at the same time",
      flagA("schedule:", "  - { at: 2026-12-02T00:00:00Z, percentage: 5 }", "  - { at: 2026-12-02T00:00:00Z, percentage: 25 }"),
      "5: flags[0].schedule[1].at: not in time order",
    ],
    [
      "a time without a zone",
      flagA("schedule:", "  - { at: 2026-12-02T00:00:00, percentage: 5 }"),
      '4: flags[0].schedule[0].at: "2026-12-02T00:00:00" is not a date and time with a time zone',
    ],
    ["unknown field", flagA("rollout: 5"), "3: flags[0].rollout: unknown field (allowed: key, description"],
    ["enabled: yes", flagA("enabled: yes"), "3: flags[0].enabled: must be true or false"],
    ["unknown tier", flagA("targeting: { tiers: [gold] }"), "3: flags[0].targeting.tiers[0]: unknown tier"],
    ["duplicate key", "flags:\n  - key: a\n  - key: b\n  - key: a\n", '4: flags[2].key: duplicate flag key "a" (first on line 2)'],
    ["duplicate allowlist entry", flagA("allowlist: [x, x]"), '3: flags[0].allowlist[1]: "x" is listed twice'],
    ["not a list", "flags: {}\n", "1: flags: required: a list of flags"],
    ["unknown top-level field", "flags: []\nflag: []\n", "2: flag: unknown top-level field"],
    ["YAML syntax", "flags:\n  - key: [a\n", "(yaml)"],
    ["a range that is not semver", flagA('requires: { sms: "two point five" }'), "3: flags[0].requires.sms: is not a semver range"],
    ["a service id that is not one", flagA('requires: { "SMS!": ">=1" }'), "must be a service id"],
    ["a guard without checks", flagA("guard: { checks: [] }"), "3: flags[0].guard.checks: needs at least one check"],
    [
      "a guard check that does not parse",
      flagA("guard:", '  checks: ["error_rate < 2x", cpu]'),
      "4: flags[0].guard.checks[0]: error_rate limit",
    ],
    [
      "a guard with an unknown on-breach",
      flagA("guard: { checks: [error_rate], onBreach: panic }"),
      "flags[0].guard.onBreach: must be hold",
    ],
    ["a guard with a bad notify", flagA("guard: { checks: [error_rate], notify: http://x }"), "flags[0].guard.notify: must be slack://"],
    ["a guard with an unknown field", flagA("guard: { checks: [error_rate], when: now }"), "flags[0].guard.when: unknown field"],
  ])("%s → a line-numbered error", (_name, text, expected) => {
    const errors = errorsOf(text);
    expect(errors.join("\n")).toContain(expected);
  });

  it.each([
    [
      "unknown customer in the allowlist",
      flagA("allowlist:", "  - smb-customer-1001", "  - nobody-42"),
      '5: flags[0].allowlist[1]: unknown customer "nobody-42" (not in the customers table)',
    ],
    ["unknown cell", flagA("targeting: { cells: [smb-zz-9] }"), '3: flags[0].targeting.cells[0]: unknown cell "smb-zz-9"'],
    ["unknown region", flagA("targeting:", "  regions: [mars-1]"), '4: flags[0].targeting.regions[0]: no cell runs in region "mars-1"'],
    ["unknown service", flagA('requires: { fax: ">=1.0.0" }'), '3: flags[0].requires.fax: unknown service "fax" (one of sms, voice)'],
  ])("%s → a line-numbered error from the reference check", (_name, text, expected) => {
    expect(errorsOf(text, true)).toContain(expected);
  });

  it("reports every problem of the file at once, in line order", () => {
    const errors = errorsOf("flags:\n  - key: 1a\n    rolloutPercentage: 200\n  - key: ok\n    owner: 5\n");
    expect(errors.map((e) => e.split(":")[0])).toEqual(["2", "3", "5"]);
  });
});
