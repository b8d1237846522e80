import { describe, expect, it } from "vitest";
import {
  applyDelta,
  decodeFeed,
  deltaJson,
  diffFeed,
  encodeFeed,
  type FleetFeed,
  type FleetFeedDelta,
  feedJson,
  liteFeedJson,
} from "./feed";
import type { CellState, FleetHealth, ServiceState } from "./fleet-health";

const svc = (service: string, o: Partial<ServiceState> = {}): ServiceState => ({
  service,
  status: "green",
  reasons: [],
  since: "2026-11-30T10:00:00.000Z",
  lastSampleAt: "2026-11-30T12:00:05.000Z",
  errorRate: 0.000234567,
  p99Ms: 181.6,
  cpu: 0.41237,
  rps: 312.7,
  observedVersion: "v2.4.1",
  desiredVersion: "v2.4.1",
  ...o,
});
const cell = (id: string, services: ServiceState[], o: Partial<CellState> = {}): CellState => ({
  id,
  tier: "smb",
  region: "eu-west-1",
  status: "green",
  services,
  ...o,
});
const fleet = (cells: CellState[]): FleetHealth => ({
  generatedAt: "2026-11-30T12:00:06.000Z",
  services: ["sms", "voice"],
  counts: { green: cells.length, yellow: 0, red: 0, no_data: 0 },
  cells,
});
const diffOf = (a: FleetHealth, b: FleetHealth) => diffFeed(encodeFeed(a), encodeFeed(b));
const parsed = (h: FleetHealth) => JSON.parse(feedJson(encodeFeed(h), '"f1"')) as FleetFeed;

describe("the compact feed", () => {
  const health = fleet([
    cell("smb-eu-1", [svc("sms"), svc("voice", { status: "red", reasons: ["error rate 4.0% ≥ 1.0%"], errorRate: 0.04 })], {
      status: "red",
    }),
    cell("enterprise-us-1", [svc("sms", { observedVersion: "v2.5.0", desiredVersion: "v2.5.1" })], {
      tier: "enterprise",
      region: "us-east-1",
    }),
  ]);

  it("decodes to the same fleet, numbers rounded to what the view shows and times to the second", () => {
    const back = decodeFeed(parsed(health));
    expect(back.cells.map((c) => [c.id, c.tier, c.region, c.status, c.services.map((s) => s.service)])).toEqual([
      ["smb-eu-1", "smb", "eu-west-1", "red", ["sms", "voice"]],
      ["enterprise-us-1", "enterprise", "us-east-1", "green", ["sms"]],
    ]);
    expect(back.cells[0]!.services[0]).toEqual({
      ...svc("sms"),
      lastSampleAt: "2026-11-30T12:00:05.000Z",
      errorRate: 0.0002,
      p99Ms: 182,
      cpu: 0.4124,
      rps: 313,
    });
    expect(back.cells[0]!.services[1]).toMatchObject({ status: "red", reasons: ["error rate 4.0% ≥ 1.0%"], errorRate: 0.04 });
    expect(back.cells[1]!.services[0]).toMatchObject({ observedVersion: "v2.5.0", desiredVersion: "v2.5.1" });
  });

  it("the lite form (the page's first paint) has statuses and versions, and nothing else", () => {
    const lite = JSON.parse(liteFeedJson(encodeFeed(health), '"l1"')) as FleetFeed;
    expect(lite.lite).toBe(true);
    const cells = decodeFeed(lite).cells;
    expect(cells.map((c) => [c.id, c.status, c.services.map((s) => [s.status, s.observedVersion, s.desiredVersion])])).toEqual([
      [
        "smb-eu-1",
        "red",
        [
          ["green", "v2.4.1", "v2.4.1"],
          ["red", "v2.4.1", "v2.4.1"],
        ],
      ],
      ["enterprise-us-1", "green", [["green", "v2.5.0", "v2.5.1"]]],
    ]);
    expect(cells[0]!.services[1]).toMatchObject({ errorRate: null, p99Ms: null, since: null, lastSampleAt: null, reasons: [] });
  });

  it("is several times smaller than the same fleet as objects", () => {
    const many = fleet(Array.from({ length: 500 }, (_, i) => cell(`smb-eu-${i}`, [svc("sms"), svc("voice")])));
    expect(feedJson(encodeFeed(many), '"f1"').length * 2.5).toBeLessThan(JSON.stringify(many).length);
  });

  it("a delta names exactly the cells whose shown state changed", () => {
    // enterprise-us-1 moves to v2.4.1, a version the fleet already runs: the version list stays.
    const next = fleet([
      health.cells[0]!,
      cell("enterprise-us-1", [svc("sms", { observedVersion: "v2.4.1", desiredVersion: "v2.5.1" })], {
        tier: "enterprise",
        region: "us-east-1",
      }),
    ]);
    const withBoth = fleet([
      cell("smb-eu-1", [svc("sms", { observedVersion: "v2.5.0" }), health.cells[0]!.services[1]!], { status: "red" }),
      health.cells[1]!,
    ]);
    expect(diffOf(withBoth, fleet([withBoth.cells[0]!, next.cells[1]!]))).toEqual([1]);
    // A change below what is shown (p99 181.6 → 181.9 ms, both 182) is no change.
    const same = fleet([
      cell("smb-eu-1", [svc("sms", { p99Ms: 181.9 }), health.cells[0]!.services[1]!], { status: "red" }),
      health.cells[1]!,
    ]);
    expect(diffOf(health, same)).toEqual([]);
    // Another list of cells is not a delta.
    expect(diffOf(health, fleet([health.cells[1]!, health.cells[0]!]))).toBeNull();
  });

  it("sends the whole feed, not a delta, when the version list changes (row indexes would mean other versions)", () => {
    const a = fleet([
      cell("a", [svc("sms", { observedVersion: "v1", desiredVersion: "v1" })]),
      cell("b", [svc("sms", { observedVersion: "v3", desiredVersion: "v3" })]),
    ]);
    // Cell a: v1 → v2; the list becomes [v2, v3] and cell b's v3 changes index without changing.
    const b = fleet([
      cell("a", [svc("sms", { observedVersion: "v2", desiredVersion: "v2" })]),
      cell("b", [svc("sms", { observedVersion: "v3", desiredVersion: "v3" })]),
    ]);
    expect(encodeFeed(a).head.dict.versions).toEqual(["v1", "v3"]);
    expect(encodeFeed(b).head.dict.versions).toEqual(["v2", "v3"]);
    expect(diffOf(a, b)).toBeNull();
  });

  it("a row stays the same text while its cell does, as time passes within the hour", () => {
    const later = { ...health, generatedAt: "2026-11-30T12:00:51.000Z" };
    expect(encodeFeed(later).rows).toEqual(encodeFeed(health).rows);
    expect(diffOf(health, later)).toEqual([]);
  });

  it("applying a delta replaces the changed cells and keeps every other cell object", () => {
    const before = decodeFeed(parsed(health));
    const changedCell = cell("enterprise-us-1", [svc("sms", { status: "yellow", p99Ms: 700, reasons: ["p99 700 ms ≥ 500 ms"] })], {
      tier: "enterprise",
      region: "us-east-1",
    });
    const delta = JSON.parse(deltaJson(encodeFeed(fleet([health.cells[0]!, changedCell])), '"f2"', '"f1"', [1])) as FleetFeedDelta;
    const after = applyDelta(before, delta);
    expect(after.cells[0]).toBe(before.cells[0]);
    expect(after.cells[1]).toMatchObject({ id: "enterprise-us-1", status: "yellow", services: [{ p99Ms: 700, status: "yellow" }] });
    expect(() => applyDelta(before, { ...delta, size: 3 })).toThrow(/3 cells/);
  });
});
