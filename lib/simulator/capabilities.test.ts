import { describe, expect, it } from "vitest";
import { apiVersionsFor, capabilityMapSchema, compareVersions, DEFAULT_CAPABILITIES, parseVersion, satisfies } from "./capabilities";

describe("versions", () => {
  it.each([
    ["v3.2.0", { nums: [3, 2, 0], pre: null }],
    ["3.2", { nums: [3, 2, 0], pre: null }],
    ["v4", { nums: [4, 0, 0], pre: null }],
    ["v3.2.0-rc.1", { nums: [3, 2, 0], pre: "rc.1" }],
    ["v1.12.3+build.7", { nums: [1, 12, 3], pre: null }],
    ["latest", null],
    ["v3.x", null],
  ])("parseVersion(%s)", (v, expected) => {
    expect(parseVersion(v)).toEqual(expected);
  });

  it.each([
    ["v3.2.0", "v3.1.2", 1],
    ["v3.1.2", "v3.2.0", -1],
    ["v1.12.3", "v1.9.9", 1],
    ["v2.0.0", "2", 0],
    ["v3.2.0-rc.1", "v3.2.0", -1],
    ["v3.2.0-rc.2", "v3.2.0-rc.1", 1],
  ])("%s vs %s", (a, b, sign) => {
    expect(Math.sign(compareVersions(parseVersion(a)!, parseVersion(b)!))).toBe(sign);
  });

  it.each([
    ["v3.1.2", "*", true],
    ["v3.1.2", ">=3.2.0", false],
    ["v3.2.0", ">=3.2.0", true],
    ["v3.10.0", ">=3.2.0", true],
    ["v3.2.0-rc.1", ">=3.2.0", false],
    ["v2.4.0", ">=2.0.0 <3", true],
    ["v3.0.0", ">=2.0.0 <3", false],
    ["v2.4.0", "v2.4.0", true],
    ["v2.4.0", "=2.4.1", false],
    ["v2.4.0", ">2.4.0", false],
    ["v2.4.0", "<=2.4.0", true],
    ["latest", ">=1.0.0", false],
    ["latest", "*", true],
    ["v2.4.0", ">=banana", false],
  ])("%s satisfies %s: %s", (v, range, expected) => {
    expect(satisfies(v, range)).toBe(expected);
  });
});

describe("apiVersionsFor (default map)", () => {
  it.each([
    ["voice", "v3.1.2", ["v1"]],
    ["voice", "v3.2.0", ["v1", "v2"]],
    ["sms", "v2.4.0", ["v1", "v2"]],
    ["sms", "v1.9.0", ["v1"]],
    ["video", "v1.8.0", ["v1"]],
    ["whatsapp", "v1.12.3", ["v1"]],
    ["email", "v4.0.1", ["v1"]],
    ["fax", "v9.0.0", ["v1"]],
    ["voice", "nightly", ["v1"]],
  ])("%s %s serves %j", (service, version, expected) => {
    expect(apiVersionsFor(DEFAULT_CAPABILITIES, service, version)).toEqual(expected);
  });

  it("sorts API versions numerically and accepts a custom map", () => {
    const map = capabilityMapSchema.parse({ sms: { v10: ">=9", v2: "*", v1: "*" } });
    expect(apiVersionsFor(map, "sms", "v9.1.0")).toEqual(["v1", "v2", "v10"]);
    expect(capabilityMapSchema.safeParse({ sms: { two: "*" } }).success).toBe(false);
  });
});
