import { describe, expect, it } from "vitest";
import { type AuditRecord, contextNeeds, deriveFromAudit, mayChange } from "./derive";

const at = new Date("2026-12-05T10:00:00.000Z");
const ev = (o: Partial<AuditRecord>): AuditRecord => ({
  id: "42",
  at,
  actor: "system:ticker",
  action: "x",
  targetType: "x",
  targetId: "x",
  ...o,
});
const ctx = {
  observed: { "smb-us-1": { sms: "v2.4.0" }, "smb-us-2": { sms: null } },
  routeServices: { "POST /v2/Calls": "voice" },
  scopeCells: { "tier:smb": ["smb-us-1", "smb-us-2"] },
};

describe("changes derived from audit events", () => {
  it("a wave's deploy is one change per cell and service, with the version running before", () => {
    const e = ev({
      action: "release.deploy",
      targetType: "release",
      targetId: "rel-1",
      after: { wave: "smb-wave-1", cells: ["smb-us-1", "smb-us-2"], versions: { sms: "v2.5.0" } },
    });
    expect(deriveFromAudit(e, ctx)).toEqual([
      {
        at,
        actor: "system:ticker",
        link: "/releases/rel-1",
        source: "audit:42",
        kind: "deploy",
        cell: "smb-us-1",
        services: ["sms"],
        summary: "sms → v2.5.0 (release rel-1, wave smb-wave-1)",
        before: { version: "v2.4.0" },
        after: { version: "v2.5.0", release: "rel-1", wave: "smb-wave-1" },
      },
      expect.objectContaining({ cell: "smb-us-2", before: { version: null } }),
    ]);
  });

  it("a rollback restores each cell's previous version (cells with none are skipped)", () => {
    const e = ev({
      action: "release.rollback",
      targetType: "release",
      targetId: "rel-1",
      after: { wave: "canary", restore: { "smb-us-1": { sms: "v2.4.0" }, "smb-us-2": { sms: null } } },
    });
    const out = deriveFromAudit(e, { ...ctx, observed: { "smb-us-1": { sms: "v2.5.1" } } });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      kind: "rollback",
      cell: "smb-us-1",
      summary: "sms rolled back to v2.4.0 (release rel-1, wave canary)",
      before: { version: "v2.5.1" },
    });
  });

  it("a route's lifecycle change is one change for every cell, on its service", () => {
    const e = ev({
      action: "route.enable",
      actor: "release@x",
      targetType: "route",
      targetId: "POST /v2/Calls",
      before: { status: "disabled" },
      after: { status: "active" },
    });
    expect(deriveFromAudit(e, ctx)).toEqual([
      expect.objectContaining({
        kind: "route",
        cell: null,
        services: ["voice"],
        summary: "POST /v2/Calls enabled at the edge (disabled → active)",
        link: "/gateway/routes/POST/v2/Calls",
      }),
    ]);
  });

  it("registry edits, settings, freezes, windows and acknowledgements", () => {
    expect(
      deriveFromAudit(
        ev({ action: "cell.update", targetType: "cell", targetId: "smb-us-1", before: { region: "a" }, after: { region: "b" } }),
        ctx,
      )[0],
    ).toMatchObject({
      kind: "registry",
      cell: "smb-us-1",
      summary: "cell changed: region a → b",
    });
    expect(
      deriveFromAudit(
        ev({
          action: "setting.update",
          targetType: "setting",
          targetId: "health.thresholds",
          before: { red: { errorRate: 0.01 } },
          after: { red: { errorRate: 0.02 } },
        }),
        ctx,
      )[0],
    ).toMatchObject({ kind: "settings", cell: null, summary: "setting health.thresholds: red.errorRate 0.01 → 0.02" });
    const freezeCreated = (startsAt: string, endsAt: string, reason: string) =>
      deriveFromAudit(ev({ action: "freeze.create", targetType: "freeze", targetId: "3", after: { startsAt, endsAt, reason } }), ctx)[0];
    const planned = freezeCreated("2026-12-24T00:00:00Z", "2026-12-27T00:00:00Z", "holidays");
    expect(planned).toMatchObject({
      kind: "freeze",
      source: "audit:42",
      summary: "freeze planned 2026-12-24 00:00 → 2026-12-27 00:00 UTC: holidays",
    });
    const inForce = freezeCreated("2026-12-05T09:00:00Z", "2026-12-06T00:00:00Z", "incident");
    // in force at once: its start, so the projector's "freeze started" is the same change
    expect(inForce).toMatchObject({ source: "freeze:3:start" });
    expect(
      deriveFromAudit(
        ev({
          action: "maintenance_window.create",
          targetType: "maintenance_window",
          targetId: "9",
          after: { scope: "tier:smb", weekday: 2, start: "02:30", durationMin: 60 },
        }),
        ctx,
      ).map((c) => [c.cell, c.summary]),
    ).toEqual([
      ["smb-us-1", "maintenance window added (tier:smb): Tue 02:30 local, 60 min"],
      ["smb-us-2", "maintenance window added (tier:smb): Tue 02:30 local, 60 min"],
    ]);
    expect(
      deriveFromAudit(
        ev({
          action: "alert.acknowledge",
          targetType: "alert_group",
          targetId: "carrier_outage",
          after: { alerts: 2, cells: ["smb-us-1"], comment: "INC-1" },
        }),
        ctx,
      ),
    ).toEqual([expect.objectContaining({ kind: "ack", cell: "smb-us-1", summary: "carrier_outage acknowledged: “INC-1”" })]);
  });

  it.each([
    "release.start",
    "release.transition",
    "token.create",
    "fleet.import",
    "gateway.import",
    "flags.import",
    "blast_radius.confirm",
  ])("%s changes no cell by itself", (action) =>
    expect(deriveFromAudit(ev({ action, targetType: action.split(".")[0]! }), ctx)).toEqual([]),
  );

  it("flag events are compared per cell elsewhere; the server reads only what the events need", () => {
    const events = [
      ev({ action: "flag.percentage", targetType: "flag", targetId: "newVoiceCodec" }),
      ev({ action: "release.deploy", targetType: "release", targetId: "r", after: { cells: ["a", "b"], versions: {} } }),
      ev({ action: "route.sunset", targetType: "route", targetId: "POST /v0/Messages" }),
      ev({ action: "maintenance_window.delete", targetType: "maintenance_window", targetId: "1", before: { scope: "smb-us-1" } }),
    ];
    expect(contextNeeds(events)).toEqual({
      deployCells: ["a", "b"],
      routes: ["POST /v0/Messages"],
      scopes: ["smb-us-1"],
      flags: ["newVoiceCodec"],
    });
    expect(mayChange(events)).toBe(true);
    expect(mayChange([ev({ action: "user.create", targetType: "user" })])).toBe(false);
  });
});
