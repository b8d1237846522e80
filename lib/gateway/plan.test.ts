import { describe, expect, it } from "vitest";
import type { StoredRoute } from "./model";
import { breakingChangePlans, versionPairs } from "./plan";
import { indexCapabilities, readinessFor } from "./readiness";
import { minutes, stored, T0 } from "./test-fixtures";

const day = (s: string) => new Date(`${s}T00:00:00Z`);
const CELLS = ["smb-us-1", "smb-us-2", "enterprise-us-hipaa"];

function plansFor(routes: StoredRoute[], v2Cells: string[], now = T0) {
  const caps = indexCapabilities(
    v2Cells.map((c) => ({
      cellId: c,
      serviceId: "voice",
      apiVersion: "v2",
      firstReportedAt: minutes(-60 * 24 * 40),
      lastReportedAt: minutes(-1),
    })),
  );
  return breakingChangePlans(routes, (r) => readinessFor(r.service, r.version, CELLS, caps, now), now);
}
const states = (p: { steps: { state: string }[] }) => p.steps.map((s) => s.state);

describe("breaking-change plan (deploy → enable → announce deprecation → disable old)", () => {
  const v1 = stored({ path: "/v1/Calls" });
  const v2 = stored({ path: "/v2/Calls", status: "disabled", introduced: day("2026-10-01") });

  it("pairs consecutive versions per resource", () => {
    const v0m = stored({ path: "/v0/Messages" }),
      v1m = stored({ path: "/v1/Messages" }),
      v2m = stored({ path: "/v2/Messages" });
    expect(versionPairs([v2m, v1, v0m, v2, v1m]).map(([a, b]) => `${a.path}→${b.path}`)).toEqual([
      "/v0/Messages→/v1/Messages",
      "/v1/Messages→/v2/Messages",
      "/v1/Calls→/v2/Calls",
    ]);
  });

  it("handlers missing in some cells block the first step and name them", () => {
    const [p] = plansFor([v1, v2], ["smb-us-1"]);
    expect(states(p!)).toEqual(["blocked", "pending", "pending", "pending"]);
    expect(p!.next).toBe("Blocked: 2 cells lack voice v2 (smb-us-2, enterprise-us-hipaa).");
    expect(p!.steps.map((s) => s.planned?.toISOString().slice(0, 10))).toEqual(["2026-10-01", "2026-11-01", "2027-01-01", "2027-10-01"]);
  });

  it("every cell ready: enable is next, deploy done at the last cell's first report", () => {
    const [p] = plansFor([v1, v2], CELLS);
    expect(states(p!)).toEqual(["done", "current", "pending", "pending"]);
    expect(p!.steps[0]!.actual).toEqual(minutes(-60 * 24 * 40));
    expect(p!.next).toBe("Next: enable POST /v2/Calls.");
  });

  it("enabled: announcing v1's deprecation is next; deprecated with a future sunset: waiting for the date", () => {
    const on = { ...v2, status: "active" as const, enabledAt: day("2026-11-02") };
    let [p] = plansFor([v1, on], CELLS);
    expect(states(p!)).toEqual(["done", "done", "current", "pending"]);
    expect(p!.steps[1]!.actual).toEqual(day("2026-11-02"));
    const dep = {
      ...v1,
      status: "deprecated" as const,
      deprecationDate: day("2026-11-20"),
      sunsetDate: day("2027-06-01"),
      deprecatedAt: day("2026-11-20"),
    };
    [p] = plansFor([dep, on], CELLS);
    expect(states(p!)).toEqual(["done", "done", "done", "blocked"]);
    expect(p!.steps[3]!.planned).toEqual(day("2027-06-01"));
    expect(p!.next).toBe("Blocked: announced sunset 2027-06-01 not reached.");
    [p] = plansFor([dep, on], CELLS, day("2027-06-02"));
    expect(states(p!)).toEqual(["done", "done", "done", "overdue"]);
  });

  it("sunset: the plan is done", () => {
    const [p] = plansFor(
      [
        { ...v1, status: "sunset", retiredAt: day("2027-06-02") },
        { ...v2, status: "active" },
      ],
      CELLS,
    );
    expect(states(p!)).toEqual(["done", "done", "done", "done"]);
    expect(p!.steps[3]!.actual).toEqual(day("2027-06-02"));
  });
});

describe("planned dates without an introduction date", () => {
  it("an already enabled version without `introduced` plans from a month before its enablement; unknown stays empty", () => {
    const old = stored({ path: "/v1/Calls" });
    const [p] = plansFor([old, stored({ path: "/v2/Calls", enabledAt: day("2026-03-01") })], CELLS);
    expect(p!.steps.map((s) => s.planned?.toISOString().slice(0, 10) ?? null)).toEqual([
      "2026-02-01",
      "2026-03-01",
      "2026-05-01",
      "2027-02-01",
    ]);
    const [q] = plansFor([old, stored({ path: "/v2/Calls" })], CELLS);
    expect(q!.steps.map((s) => s.planned)).toEqual([null, null, null, null]);
  });
});
