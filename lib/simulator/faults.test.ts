import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { describeFault, faultEffect, FaultParseError, globMatch, parseFaultArg, parseFaultsFile, type Fault } from "./faults";

describe("globMatch", () => {
  it.each([
    ["*", "anything", true],
    ["smb-*", "smb-us-1", true],
    ["smb-*", "enterprise-us-hipaa", false],
    ["smb-us-?", "smb-us-3", true],
    ["smb-us-?", "smb-us-12", false],
    ["smb-us-3", "smb-us-3", true],
    ["smb-us-3", "smb-us-30", false],
    ["*-eu-*", "enterprise-eu-standard", true],
    ["eu-west-1", "eu-west-10", false],
    ["a.b", "axb", false],
    [["smb-us-*", "smb-eu-*"], "smb-eu-2", true],
    [["smb-us-*", "smb-eu-*"], "smb-ap-2", false],
  ])("%j matches %s: %s", (pattern, value, expected) => {
    expect(globMatch(pattern, value)).toBe(expected);
  });
});

describe("faultEffect", () => {
  const bad: Fault = { kind: "bad-version", service: "sms", version: "v2.5.1", errorRate: 0.05, cells: "smb-*" };
  const slow: Fault = { kind: "latency", region: "eu-west-1", p99Ms: 1800, service: "*", cells: "*" };
  const quiet: Fault = { kind: "silent", cell: "smb-us-3", service: "*" };
  const pair = (cell: string, region: string, service: string, version: string) => ({ cell, region, service, version });
  it.each([
    ["bad version, running it", [bad], pair("smb-us-1", "us-east-1", "sms", "v2.5.1"), { silent: false, errorRate: 0.05 }],
    ["bad version, still on the old one", [bad], pair("smb-us-1", "us-east-1", "sms", "v2.4.0"), { silent: false }],
    ["bad version, another service", [bad], pair("smb-us-1", "us-east-1", "voice", "v2.5.1"), { silent: false }],
    ["bad version, a cell outside the glob", [bad], pair("enterprise-us-hipaa", "us-east-1", "sms", "v2.5.1"), { silent: false }],
    ["latency in the region", [slow], pair("smb-eu-1", "eu-west-1", "video", "v1.8.0"), { silent: false, p99Ms: 1800 }],
    ["latency, another region", [slow], pair("smb-eu-3", "eu-central-1", "video", "v1.8.0"), { silent: false }],
    ["silent cell", [quiet], pair("smb-us-3", "us-west-2", "email", "v4.0.1"), { silent: true }],
    ["silent, another cell", [quiet], pair("smb-us-30", "us-west-2", "email", "v4.0.1"), { silent: false }],
    [
      "all at once, worst values win",
      [bad, { ...bad, errorRate: 0.2 }, slow, { ...slow, p99Ms: 900 }],
      pair("smb-eu-1", "eu-west-1", "sms", "v2.5.1"),
      { silent: false, errorRate: 0.2, p99Ms: 1800 },
    ],
  ])("%s", (_name, faults, p, expected) => {
    expect(faultEffect(faults as Fault[], p)).toEqual(expected);
  });

  const codec: Fault = { kind: "flag", flag: "newVoiceCodec", service: "voice", cells: "*", errorRate: 0.05 };
  const shares = (m: Record<string, number>) => (flag: string) => (flag === "newVoiceCodec" ? (m.x ?? 0) : 0);
  it.each([
    ["flag on for every customer of the cell", { x: 1 }, "voice", { silent: false, errorRate: 0.05 }],
    ["flag on for a fourth of them: a fourth of the error rate", { x: 0.25 }, "voice", { silent: false, errorRate: 0.0125 }],
    ["flag on for nobody in the cell", { x: 0 }, "voice", { silent: false }],
    ["another service", { x: 1 }, "sms", { silent: false }],
  ])("flag fault: %s", (_name, m, service, expected) => {
    expect(faultEffect([codec], { ...pair("smb-us-1", "us-east-1", service, "v3.1.2"), flagShare: shares(m) })).toEqual(expected);
  });
});

describe("parseFaultArg", () => {
  it.each([
    [
      '{"kind":"bad-version","service":"sms","version":"v2.5.1","errorRate":0.05,"cells":"smb-*"}',
      { kind: "bad-version", service: "sms", version: "v2.5.1", errorRate: 0.05, cells: "smb-*" },
    ],
    [
      "bad-version:service=sms,version=v2.5.1,errorRate=0.05,cells=smb-*",
      { kind: "bad-version", service: "sms", version: "v2.5.1", errorRate: 0.05, cells: "smb-*" },
    ],
    ["bad-version:version=2", { kind: "bad-version", service: "*", version: "2", errorRate: 0.05, cells: "*" }],
    ["latency:region=eu-west-1,p99Ms=1800", { kind: "latency", region: "eu-west-1", p99Ms: 1800, service: "*", cells: "*" }],
    ["silent:cell=smb-us-3", { kind: "silent", cell: "smb-us-3", service: "*" }],
    ["silent:cell=smb-us-3|smb-us-4", { kind: "silent", cell: ["smb-us-3", "smb-us-4"], service: "*" }],
    ["flag:flag=newVoiceCodec,errorRate=0.1", { kind: "flag", flag: "newVoiceCodec", service: "*", cells: "*", errorRate: 0.1 }],
  ])("%s", (arg, expected) => {
    expect(parseFaultArg(arg)).toEqual(expected);
  });

  it.each([
    ["{not json", /not valid JSON/],
    ["meltdown:cell=x", /kind/],
    ["latency:region=eu-west-1", /p99Ms/],
    ["latency:region=eu-west-1,p99Ms=fast", /p99Ms/],
    ["bad-version:version=v2,errorRate=2", /errorRate/],
    ["silent:cell", /expected key=value/],
    ['{"kind":"silent","cell":"x","colour":"red"}', /colour|Unrecognized/i],
  ])("refuses %s", (arg, message) => {
    expect(() => parseFaultArg(arg)).toThrow(FaultParseError);
    expect(() => parseFaultArg(arg)).toThrow(message);
  });
});

describe("parseFaultsFile", () => {
  it("reads the documented example", () => {
    const r = parseFaultsFile(fs.readFileSync("examples/simulator-faults.json", "utf8"));
    expect(r.ok && r.faults.map((f) => f.kind)).toEqual(["bad-version", "latency", "silent"]);
    expect(r.ok && r.faults.map(describeFault)).toEqual([
      "bad version v2.5.1 of sms in smb-*: error rate 5.00%",
      "latency spike in eu-west-1 (*): p99 1800 ms",
      "smb-us-3 silent",
    ]);
  });

  it.each([
    ["", { ok: true, faults: [] }],
    ["  \n", { ok: true, faults: [] }],
    ['{"faults": []}', { ok: true, faults: [] }],
    ['[{"kind":"silent","cell":"a"}]', { ok: true, faults: [{ kind: "silent", cell: "a", service: "*" }] }],
  ])("reads %j", (text, expected) => {
    expect(parseFaultsFile(text)).toEqual(expected);
  });

  it.each([
    ["{", /not valid JSON/],
    ['{"faults": [{"kind":"latency","region":"eu-west-1","p99Ms":-1}]}', /faults\.0\.p99Ms/],
    ['{"fault": []}', /^faults: .*expected array, received undefined; \(file\): Unrecognized key: "fault"$/],
    ["5", /^expected \{"faults": \[\.\.\.\]\} or an array of faults$/],
    ['[{"kind":"noise"}]', /^0\.kind: /],
  ])("refuses %j", (text, message) => {
    const r = parseFaultsFile(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });
});
