import { describe, expect, it } from "vitest";
import { evaluate } from "./evaluate";
import { cellExposure, exposedAt, exposureModel, formatExposure, heldBackAt, heldBackCells, type CustomerHome } from "./exposure";
import type { FlagConfig } from "./model";

const customers: CustomerHome[] = Array.from({ length: 2_000 }, (_, i) => ({
  id: `cust-${i}`,
  cell: `cell-${i % 8}`,
  tier: i % 8 === 0 ? "canary" : i % 8 < 6 ? "smb" : "enterprise",
  region: i % 2 ? "eu-west-1" : "us-east-1",
}));

const flag = (over: Partial<FlagConfig>): FlagConfig => ({
  key: "f",
  enabled: true,
  rolloutPercentage: 0,
  percentageSetAt: new Date(0),
  allowlist: ["cust-1", "cust-2"],
  salt: "f",
  targeting: { tiers: [], cells: [], regions: [] },
  schedule: [],
  version: 1,
  ...over,
});

describe("exposure estimate", () => {
  it.each([
    ["no targeting", { tiers: [], cells: [], regions: [] }],
    ["smb in eu-west-1", { tiers: ["smb" as const], cells: [], regions: ["eu-west-1"] }],
    ["two cells", { tiers: [], cells: ["cell-3", "cell-4"], regions: [] }],
  ])("equals the number of customers evaluation turns on (%s)", (_n, targeting) => {
    for (const pct of [0, 1, 5, 25, 50, 100]) {
      const f = flag({ rolloutPercentage: pct, targeting });
      const model = exposureModel(f, customers);
      const on = customers.filter(
        (c) => evaluate(f, { targetingKey: c.id, tier: c.tier, cell: c.cell, region: c.region }, new Date(1)).value,
      ).length;
      expect(exposedAt(model, pct).exposed, `${pct}%`).toBe(on);
    }
  });

  it("counts allowlisted customers at 0% and grows with the percentage", () => {
    const model = exposureModel(flag({}), customers);
    expect(exposedAt(model, 0)).toEqual({ exposed: 2, total: 2_000, share: 0.001 });
    expect(exposedAt(model, 100).exposed).toBe(2_000);
    let prev = 0;
    for (let p = 0; p <= 100; p++) {
      const e = exposedAt(model, p).exposed;
      expect(e).toBeGreaterThanOrEqual(prev);
      prev = e;
    }
  });

  it.each([
    [{ exposed: 12, total: 76, share: 12 / 76 }, "12 of 76 customers (16%)"],
    [{ exposed: 1, total: 76, share: 1 / 76 }, "1 of 76 customers (1.3%)"],
    [{ exposed: 0, total: 0, share: 0 }, "0 of 0 customers (0%)"],
    [{ exposed: 12_345, total: 100_000, share: 0.12345 }, "12,345 of 100,000 customers (12%)"],
  ])("formats %o as %s", (e, text) => expect(formatExposure(e)).toBe(text));
});

describe("code prerequisites in the estimate", () => {
  // Cells 0–3 run sms v2.5.0, cells 4–7 still v2.4.0.
  const versioned = customers.map((c) => ({ ...c, versions: { sms: Number(c.cell.slice(5)) < 4 ? "v2.5.0" : "v2.4.0" } }));
  const f = (pct: number) => flag({ rolloutPercentage: pct, requires: { sms: ">=2.5.0" }, allowlist: ["cust-1", "cust-4"] });

  it("reaches only customers whose home cell runs the code; the rest are held back, as evaluation says", () => {
    for (const pct of [0, 5, 25, 100]) {
      const model = exposureModel(f(pct), versioned);
      const results = versioned.map((c) =>
        evaluate(f(pct), { targetingKey: c.id, tier: c.tier, cell: c.cell, region: c.region }, new Date(1), c.versions),
      );
      expect(exposedAt(model, pct).exposed, `${pct}%`).toBe(results.filter((r) => r.value).length);
      const wouldBeOn = exposedAt(exposureModel({ ...f(pct), requires: {} }, versioned), pct).exposed;
      expect(heldBackAt(model, pct), `${pct}%`).toBe(wouldBeOn - exposedAt(model, pct).exposed);
    }
    expect(heldBackAt(exposureModel(f(0), versioned), 0)).toBe(1); // cust-4 (cell-4) is allowlisted but held back
  });

  it("lists the cells held back, why, and the customers homed there", () => {
    const cells = Array.from({ length: 8 }, (_, i) => ({ id: `cell-${i}`, versions: { sms: i < 4 ? "v2.5.0" : "v2.4.0" } }));
    const held = heldBackCells(f(25), cells, versioned);
    expect(held.map((h) => h.cell)).toEqual(["cell-4", "cell-5", "cell-6", "cell-7"]);
    expect(held[0]).toEqual({ cell: "cell-4", service: "sms", range: ">=2.5.0", running: "v2.4.0", customers: 250 });
    expect(heldBackCells(flag({}), cells, versioned)).toEqual([]);
  });

  it("per cell, how many customers the flag is on for", () => {
    const byCell = cellExposure(f(100), versioned, new Date(1));
    expect(byCell.get("cell-0")).toEqual({ customers: 250, on: 250 });
    expect(byCell.get("cell-5")).toEqual({ customers: 250, on: 0 });
  });
});
