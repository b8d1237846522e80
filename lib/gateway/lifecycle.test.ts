import { describe, expect, it } from "vitest";
import { availableActions, decide, type Decision, type LifecycleAction } from "./lifecycle";
import type { StoredRoute } from "./model";
import { indexCapabilities, readinessFor, type Readiness } from "./readiness";
import { minutes, stored, T0 } from "./test-fixtures";

const CELLS = ["smb-us-1", "smb-us-2", "enterprise-us-hipaa"];
const caps = (cells: string[]) =>
  indexCapabilities(
    cells.map((c) => ({ cellId: c, serviceId: "voice", apiVersion: "v2", firstReportedAt: minutes(-60), lastReportedAt: minutes(-1) })),
  );
const READY = readinessFor("voice", "v2", CELLS, caps(CELLS), T0);
const LAGGING = readinessFor("voice", "v2", CELLS, caps(["smb-us-1"]), T0);

const v1Calls = stored({ path: "/v1/Calls" });
const v2Calls = stored({ path: "/v2/Calls", status: "disabled" });
const day = (s: string) => new Date(`${s}T00:00:00Z`);

function run(route: StoredRoute, action: LifecycleAction, o: { readiness?: Readiness; routes?: StoredRoute[]; now?: Date } = {}): Decision {
  return decide(route, action, { now: o.now ?? T0, readiness: o.readiness ?? READY, routes: o.routes ?? [v1Calls, v2Calls, route] });
}

describe("enable", () => {
  it("a disabled route whose handlers every active cell reports becomes active, one global change", () => {
    const d = run(v2Calls, { kind: "enable" });
    expect(d).toMatchObject({ ok: true, event: "route.enable", forced: false, next: { status: "active", enabledAt: T0 } });
  });

  it("is refused while cells lag, naming them", () => {
    const d = run(v2Calls, { kind: "enable" }, { readiness: LAGGING });
    expect(d).toMatchObject({ ok: false, code: "PRECONDITION", laggingCells: ["smb-us-2", "enterprise-us-hipaa"] });
    expect(!d.ok && d.message).toContain("2 cells lack voice v2 (smb-us-2, enterprise-us-hipaa)");
  });

  it.each([
    ["a typed reason forces past the gate", "Carrier deadline; hipaa cell verified by hand", true],
    ["a short reason is not enough", "because", false],
  ])("%s", (_n, reason, ok) => {
    const d = run(v2Calls, { kind: "enable", force: { reason } }, { readiness: LAGGING });
    expect(d.ok).toBe(ok);
    if (d.ok) expect(d.forced).toBe(true);
    else expect(d).toMatchObject({ code: "INVALID", field: "reason" });
  });

  it.each(["active", "deprecated", "sunset"] as const)("a %s route cannot be enabled", (status) => {
    expect(run(stored({ path: "/v2/Calls", status }), { kind: "enable" })).toMatchObject({ ok: false, code: "CONFLICT" });
  });
});

describe("deprecate, sunset, re-enable", () => {
  const v2Active = stored({ path: "/v2/Calls", status: "active" });
  const deprecated = stored({
    path: "/v1/Calls",
    status: "deprecated",
    deprecationDate: day("2026-11-01"),
    sunsetDate: day("2026-11-20"),
    deprecatedAt: day("2026-11-01"),
  });
  const table = [deprecated, v2Active];

  it.each<[string, StoredRoute, LifecycleAction, StoredRoute[], Record<string, unknown>]>([
    [
      "deprecate an active route with dates and a link",
      v1Calls,
      {
        kind: "deprecate",
        deprecationDate: day("2026-12-01"),
        sunsetDate: day("2027-06-01"),
        documentation: "https://docs.example.com/calls/v1",
      },
      [v1Calls, v2Active],
      {
        ok: true,
        event: "route.deprecate",
        next: {
          status: "deprecated",
          deprecationDate: day("2026-12-01"),
          sunsetDate: day("2027-06-01"),
          documentation: "https://docs.example.com/calls/v1",
          deprecatedAt: T0,
        },
      },
    ],
    [
      "sunset before deprecation is refused",
      v1Calls,
      { kind: "deprecate", deprecationDate: day("2026-12-01"), sunsetDate: day("2026-11-30"), documentation: null },
      [v1Calls, v2Active],
      { ok: false, code: "INVALID", field: "sunsetDate" },
    ],
    [
      "deprecating v1 while v2 is still disabled is refused: clients need somewhere to go",
      v1Calls,
      { kind: "deprecate", deprecationDate: T0, sunsetDate: null, documentation: null },
      [v1Calls, v2Calls],
      {
        ok: false,
        code: "PRECONDITION",
        message: "Enable POST /v2/Calls first: clients told to migrate off POST /v1/Calls need a newer version to move to.",
      },
    ],
    [
      "deprecating again updates the notice",
      deprecated,
      { kind: "deprecate", deprecationDate: day("2026-11-01"), sunsetDate: day("2027-01-01"), documentation: null },
      table,
      {
        ok: true,
        event: "route.deprecation.update",
        next: { status: "deprecated", sunsetDate: day("2027-01-01"), deprecatedAt: day("2026-11-01") },
      },
    ],
    [
      "a disabled route cannot be deprecated",
      v2Calls,
      { kind: "deprecate", deprecationDate: T0, sunsetDate: null, documentation: null },
      [v1Calls, v2Calls],
      { ok: false, code: "CONFLICT" },
    ],
    [
      "sunset needs the typed confirmation",
      deprecated,
      { kind: "sunset", confirmation: "POST /v1/calls" },
      table,
      { ok: false, code: "INVALID", field: "confirmation" },
    ],
    [
      "sunset with the confirmation: the route will answer 410",
      deprecated,
      { kind: "sunset", confirmation: "POST /v1/Calls" },
      table,
      { ok: true, event: "route.sunset", next: { status: "sunset", retiredAt: T0, sunsetDate: day("2026-11-20") } },
    ],
    [
      "an active route cannot be sunset without deprecation first",
      v1Calls,
      { kind: "sunset", confirmation: "POST /v1/Calls" },
      [v1Calls, v2Active],
      { ok: false, code: "CONFLICT" },
    ],
    [
      "re-enable a deprecated route: headers withdrawn",
      deprecated,
      { kind: "reenable" },
      table,
      { ok: true, event: "route.reenable", next: { status: "active", deprecationDate: null, sunsetDate: null, deprecatedAt: null } },
    ],
    [
      "a sunset route cannot be re-enabled (its handlers may be gone)",
      stored({ path: "/v1/Calls", status: "sunset" }),
      { kind: "reenable" },
      table,
      { ok: false, code: "CONFLICT" },
    ],
  ])("%s", (_n, route, action, routes, want) => {
    expect(run(route, action, { routes })).toMatchObject(want);
  });

  it("sunset before the announced sunset date is refused (time travel: allowed once it has passed)", () => {
    const announced = { ...deprecated, sunsetDate: day("2026-12-31") };
    expect(run(announced, { kind: "sunset", confirmation: "POST /v1/Calls" }, { routes: [announced, v2Active] })).toMatchObject({
      ok: false,
      code: "PRECONDITION",
    });
    expect(
      run(announced, { kind: "sunset", confirmation: "POST /v1/Calls" }, { routes: [announced, v2Active], now: day("2027-01-01") }),
    ).toMatchObject({ ok: true });
  });

  it("a route cannot be sunset while an alias of it is still served", () => {
    const v1 = stored({ path: "/v1/Messages", status: "deprecated", deprecationDate: day("2026-01-01") });
    const v0 = stored({
      path: "/v0/Messages",
      version: "v1",
      backend: v1.backend,
      status: "deprecated",
      aliasOf: "POST /v1/Messages",
      deprecationDate: day("2025-01-15"),
    });
    const d = run(v1, { kind: "sunset", confirmation: "POST /v1/Messages" }, { routes: [v0, v1] });
    expect(d).toMatchObject({ ok: false, code: "PRECONDITION" });
    expect(!d.ok && d.message).toContain("POST /v0/Messages is an alias of POST /v1/Messages");
  });
});

describe("available actions say why the others are not", () => {
  it("disabled and lagging: only enable exists, and it is unavailable with the lagging cells", () => {
    const a = availableActions(v2Calls, { now: T0, readiness: LAGGING, routes: [v1Calls, v2Calls] });
    expect(a.enable).toMatchObject({ available: false, reason: expect.stringContaining("smb-us-2, enterprise-us-hipaa") });
    expect(a.deprecate.available).toBe(false);
    expect(a.sunset.available).toBe(false);
    expect(a.reenable.available).toBe(false);
  });
  it("deprecated: sunset and re-enable available", () => {
    const dep = stored({ path: "/v1/Calls", status: "deprecated", deprecationDate: day("2026-11-01") });
    const a = availableActions(dep, { now: T0, readiness: READY, routes: [dep, stored({ path: "/v2/Calls" })] });
    expect([a.enable.available, a.deprecate.available, a.sunset.available, a.reenable.available]).toEqual([false, true, true, true]);
  });
});

describe("during a fleet freeze", () => {
  const freeze = { startsAt: minutes(-60), endsAt: day("2026-12-04"), reason: "Black Friday" };
  const deprecated = stored({ path: "/v1/Calls", status: "deprecated", deprecationDate: day("2026-01-01"), sunsetDate: day("2026-01-02") });
  const frozen = (route: StoredRoute, action: LifecycleAction) =>
    decide(route, action, { now: T0, readiness: READY, routes: [deprecated, stored({ path: "/v2/Calls" }), route], freeze });
  it.each<[string, StoredRoute, LifecycleAction, boolean, string]>([
    [
      "enabling is refused",
      v2Calls,
      { kind: "enable" },
      false,
      "Enabling POST /v2/Calls is refused during the fleet freeze until 2026-12-04",
    ],
    [
      "forcing does not pass a freeze",
      v2Calls,
      { kind: "enable", force: { reason: "Carrier deadline, verified by hand" } },
      false,
      "Enabling",
    ],
    ["re-enabling is refused", deprecated, { kind: "reenable" }, false, "Re-enabling POST /v1/Calls is refused"],
    [
      "sunsetting is refused",
      deprecated,
      { kind: "sunset", confirmation: "POST /v1/Calls" },
      false,
      "Sunsetting POST /v1/Calls is refused",
    ],
    [
      "deprecating still works",
      stored({ path: "/v1/Calls" }),
      { kind: "deprecate", deprecationDate: day("2027-01-01"), sunsetDate: null, documentation: null },
      true,
      "",
    ],
  ])("%s", (_n, route, action, ok, message) => {
    const d = frozen(route, action);
    expect(d.ok).toBe(ok);
    if (!d.ok) {
      expect(d.code).toBe("PRECONDITION");
      expect(d.message).toContain(message);
      expect(d.message).toContain("Black Friday");
    }
  });
});
