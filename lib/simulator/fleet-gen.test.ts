import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { CELL_ID_PATTERN, exportFleetYaml, parseFleetYaml } from "@/lib/fleet/fleet-yaml";
import { DEFAULT_SERVICES, generateFleet, REGION_WEIGHTS, splitByWeight, tierCounts } from "./fleet-gen";

describe("tierCounts", () => {
  it.each([
    [1, { canary: 1, smb: 0, enterprise: 0 }],
    [16, { canary: 1, smb: 12, enterprise: 3 }],
    [50, { canary: 1, smb: 38, enterprise: 11 }],
    [1_000, { canary: 20, smb: 750, enterprise: 230 }],
    [5_000, { canary: 100, smb: 3_750, enterprise: 1_150 }],
  ])("%i cells → %j", (n, expected) => {
    expect(tierCounts(n)).toEqual(expected);
  });
  it.each([0, -3, 2.5])("refuses %s", (n) => {
    expect(() => tierCounts(n)).toThrow(RangeError);
  });
});

describe("splitByWeight", () => {
  it.each([1, 3, 20, 750, 999])("splits %i exactly", (total) => {
    const m = splitByWeight(total, REGION_WEIGHTS);
    expect([...m.values()].reduce((a, b) => a + b, 0)).toBe(total);
    for (const [region, w] of REGION_WEIGHTS) expect(Math.abs(m.get(region)! - total * w)).toBeLessThan(1);
  });
});

describe("generateFleet", () => {
  const example = parseFleetYaml(fs.readFileSync("examples/fleet.yaml", "utf8"), DEFAULT_SERVICES);

  it("has the example's shape at the example's size: 1 canary, 12 smb, 3 enterprise over its regions", () => {
    const spec = generateFleet(16);
    const byTier = (s: typeof spec, t: string) => s.cells.filter((c) => c.tier === t).length;
    for (const t of ["canary", "smb", "enterprise"]) expect(byTier(spec, t)).toBe(byTier(example, t));
    const exampleRegions = new Set(example.cells.map((c) => c.region));
    for (const c of spec.cells) expect(exampleRegions.has(c.region)).toBe(true);
  });

  it("gives 1,000 unique, valid cells across all 8 regions, in proportion, with compliance tags for enterprise only", () => {
    const spec = generateFleet(1_000);
    expect(spec.services).toEqual(DEFAULT_SERVICES);
    expect(spec.cells).toHaveLength(1_000);
    expect(new Set(spec.cells.map((c) => c.id)).size).toBe(1_000);
    for (const c of spec.cells) expect(c.id).toMatch(CELL_ID_PATTERN);
    const perRegion = new Map<string, number>();
    for (const c of spec.cells) perRegion.set(c.region, (perRegion.get(c.region) ?? 0) + 1);
    expect(perRegion.size).toBe(8);
    for (const [region, w] of REGION_WEIGHTS) expect(Math.abs(perRegion.get(region)! - 1_000 * w)).toBeLessThanOrEqual(3);
    expect(spec.cells.filter((c) => c.compliance.length && c.tier !== "enterprise")).toEqual([]);
    expect(spec.cells.some((c) => c.compliance.includes("hipaa"))).toBe(true);
    expect(spec.cells.filter((c) => c.compliance.includes("gdpr")).every((c) => c.region.startsWith("eu-"))).toBe(true);
  });

  it("is deterministic and survives the fleet YAML round trip", () => {
    const spec = generateFleet(250);
    expect(generateFleet(250)).toEqual(spec);
    expect(parseFleetYaml(exportFleetYaml(spec), DEFAULT_SERVICES)).toEqual(spec);
  });
});
