import { describe, expect, it } from "vitest";
import type { CellState } from "./fleet-health";
import { parseVersionFilter, runsVersion, versionOptions } from "./filters";

const svc = (service: string, observedVersion: string | null) => ({
  service,
  status: "green" as const,
  reasons: [],
  since: null,
  lastSampleAt: null,
  errorRate: null,
  p99Ms: null,
  cpu: null,
  rps: null,
  observedVersion,
  desiredVersion: null,
});
const cell = (id: string, sms: string | null, voice: string): CellState => ({
  id,
  tier: "smb",
  region: "eu",
  status: "green",
  services: [svc("sms", sms), svc("voice", voice)],
});

describe("the global view's version filter", () => {
  const a = cell("a", "v2.5.0", "v3.1.2");
  const b = cell("b", "v2.4.0", "v2.5.0");
  const c = cell("c", null, "v3.1.2");

  it.each([
    [null, null, ["a", "b", "c"]],
    ["sms@v2.5.0", null, ["a"]],
    ["v2.5.0", null, ["a", "b"]],
    ["v2.5.0", "voice", ["b"]],
    ["sms@unknown", null, ["c"]],
    ["sms@v9", null, []],
  ])("%s (service %s) keeps %j", (filter, service, ids) => {
    expect([a, b, c].filter((x) => runsVersion(x, filter, service)).map((x) => x.id)).toEqual(ids);
  });

  it("parses and lists the values", () => {
    expect(parseVersionFilter("sms@v2")).toEqual({ service: "sms", version: "v2" });
    expect(parseVersionFilter("v2")).toEqual({ service: null, version: "v2" });
    expect(versionOptions([a, b, c])).toEqual(["sms@v2.4.0", "sms@v2.5.0", "voice@v2.5.0", "voice@v3.1.2"]);
  });
});
