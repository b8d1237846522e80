// The fleet simulator against the real API: the app's own route handlers (fleet health, desired
// versions, telemetry ingest) served over HTTP by a small node:http adapter, on a real PostgreSQL.
// The simulator's clock is injected and stepped; nothing sleeps.
import fs from "node:fs";
import type http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audited } from "@/lib/audit/server/record";
import { checkToken, rotateToken } from "@/lib/auth/server/users";
import { seedDemo } from "@/lib/fleet/server/seed";
import { SIMULATOR_SCOPES, SIMULATOR_TOKEN_NAME } from "@/lib/simulator/demo";
import { DEFAULT_CAPABILITIES } from "@/lib/simulator/capabilities";
import { FleetSimulator, type RunnerOptions } from "@/lib/simulator/server/runner";
import { type AppRoute, type Handler, portOf, serveAppRoutes } from "../support/app-routes";
import { freshDatabase, type TestDatabase } from "../support/db";

let t: TestDatabase;
let server: http.Server;
let port = 0;
let closeApp: () => Promise<void> = async () => {};

let routes: AppRoute[];

beforeAll(async () => {
  t = await freshDatabase("simulator");
  await seedDemo(t.prisma, "cellplane-test");
  // The route handlers find their database the way the app server does: DATABASE_URL, read by lib/env.ts.
  process.env.DATABASE_URL = t.url;
  const [{ GET: health }, { GET: desired }, { POST: telemetry }, dbModule] = await Promise.all([
    import("@/app/api/v1/fleet/health/route"),
    import("@/app/api/v1/cells/[cell]/desired/route"),
    import("@/app/api/v1/telemetry/route"),
    import("@/lib/db"),
  ]);
  routes = [
    { method: "GET", pattern: /^\/api\/v1\/fleet\/health$/, keys: [], handler: health as Handler },
    { method: "GET", pattern: /^\/api\/v1\/cells\/([^/]+)\/desired$/, keys: ["cell"], handler: desired as Handler },
    { method: "POST", pattern: /^\/api\/v1\/telemetry$/, keys: [], handler: telemetry as Handler },
  ];
  server = await serveAppRoutes(routes);
  port = portOf(server);
  closeApp = async () => {
    await dbModule.db().$disconnect();
    await dbModule.pool().end();
    await dbModule.telemetryPool().end();
  };
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await closeApp();
  await t.drop();
});

describe("rotateToken", () => {
  it("revokes the previous token of that name and issues a new one, audited", async () => {
    const first = await audited(t.prisma, "test", (tx) =>
      rotateToken(tx, { name: "rotating", scopes: ["fleet:read"] }, "test", new Date()),
    );
    expect(first.revoked).toBe(0);
    const second = await audited(t.prisma, "test", (tx) =>
      rotateToken(tx, { name: "rotating", scopes: ["fleet:read"] }, "test", new Date()),
    );
    expect(second.revoked).toBe(1);
    expect(await checkToken(t.prisma, `Bearer ${first.token}`, "fleet:read")).toMatchObject({ ok: false, status: 401 });
    expect(await checkToken(t.prisma, `Bearer ${second.token}`, "fleet:read")).toMatchObject({ ok: true, name: "rotating" });
    const rows = await t.query<{ name: string; revoked: boolean }>(
      `SELECT name, revoked_at IS NOT NULL AS revoked FROM api_tokens WHERE name LIKE 'rotating%' ORDER BY created_at`,
    );
    expect(rows).toEqual([
      { name: expect.stringMatching(/^rotating~revoked-\d+$/), revoked: true },
      { name: "rotating", revoked: false },
    ]);
    const audit = await t.query<{ action: string }>(`SELECT action FROM audit_events WHERE target_id = 'rotating' ORDER BY id`);
    expect(audit.map((a) => a.action)).toEqual(["token.create", "token.revoke", "token.create"]);
  });
});

/** A simulator of the demo fleet against the API served here: it logs into `lines`, its clock is `now`. */
const simulator = (token: string, lines: string[], now: () => number, o: Partial<RunnerOptions> = {}) =>
  new FleetSimulator({
    url: `http://127.0.0.1:${port}`,
    token,
    seed: "it",
    intervalMs: 5_000,
    refreshMs: 30_000,
    pollMs: 5_000,
    maxPollsPerS: 25,
    converge: { minS: 2, maxS: 8 },
    capabilities: DEFAULT_CAPABILITIES,
    faults: [],
    batchSize: 1000,
    log: (l) => lines.push(l),
    now,
    ...o,
  });

describe("the simulator through the real API", () => {
  it("reports the fleet green with versions, converges to a new desired version, and shows injected faults", async () => {
    const { token } = await audited(t.prisma, "test", (tx) =>
      rotateToken(tx, { name: SIMULATOR_TOKEN_NAME, scopes: SIMULATOR_SCOPES }, "test", new Date()),
    );
    const faultsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cellplane-sim-")), "faults.json");
    const lines: string[] = [];
    let clock = Date.now() - 60_000;
    const sim = simulator(token, lines, () => clock, { faultsFile });
    const state = () =>
      t.query<{ cell: string; service: string; status: string; observed: string; error_rate: number }>(
        `SELECT h.cell_id AS cell, h.service_id AS service, h.status::text AS status, cs.observed_version AS observed, h.error_rate
         FROM service_health h JOIN cell_services cs USING (cell_id, service_id) ORDER BY 1, 2`,
      );

    expect(await sim.refreshFleet()).toBe(true);
    expect(sim.fleet.size).toBe(16);
    expect((await sim.tick()).posted).toBe(80);
    let rows = await state();
    expect(rows).toHaveLength(80);
    expect(rows.filter((r) => r.status !== "green")).toEqual([]);
    expect(new Set(rows.filter((r) => r.service === "voice").map((r) => r.observed))).toEqual(new Set(["v3.1.2"]));
    expect(
      (await t.query(`SELECT DISTINCT api_version FROM api_capabilities WHERE service_id = 'voice'`)).map((r) => r.api_version),
    ).toEqual(["v1"]);

    // A release reaches one cell, and its version is bad in SMB cells.
    await t.query(`UPDATE cell_services SET desired_version = 'v2.5.1' WHERE cell_id = 'smb-us-1' AND service_id = 'sms'`);
    fs.writeFileSync(
      faultsFile,
      JSON.stringify({ faults: [{ kind: "bad-version", service: "sms", version: "v2.5.1", errorRate: 0.05, cells: "smb-*" }] }),
    );
    clock += 5_001;
    await sim.pollDue();
    expect(lines.some((l) => /desired sms v2\.5\.1 \(running v2\.4\.0\); switching in .* on 1 cell: smb-us-1/.test(l))).toBe(true);
    clock += 8_001;
    expect((await sim.tick()).switched).toEqual([{ cell: "smb-us-1", service: "sms", from: "v2.4.0", to: "v2.5.1" }]);
    rows = await state();
    expect(rows.find((r) => r.cell === "smb-us-1" && r.service === "sms")).toMatchObject({ status: "red", observed: "v2.5.1" });
    expect(rows.filter((r) => r.status !== "green").map((r) => `${r.cell}/${r.service}`)).toEqual(["smb-us-1/sms"]);
    expect(await t.query(`SELECT cell_id, from_version, to_version FROM deployment_events`)).toEqual([
      { cell_id: "smb-us-1", from_version: "v2.4.0", to_version: "v2.5.1" },
    ]);

    // Polled again with its ETag and nothing changed: no new switch is scheduled.
    const before = lines.length;
    clock += 5_001;
    await sim.pollDue();
    expect(lines.slice(before).filter((l) => l.startsWith("desired"))).toEqual([]);

    // Rolled back, and a cell goes silent.
    await t.query(`UPDATE cell_services SET desired_version = 'v2.4.0' WHERE cell_id = 'smb-us-1' AND service_id = 'sms'`);
    fs.writeFileSync(faultsFile, JSON.stringify({ faults: [{ kind: "silent", cell: "smb-eu-*" }] }));
    clock += 5_001;
    await sim.pollDue();
    clock += 8_001;
    const tick = await sim.tick();
    expect([...tick.silent].sort()).toEqual(["smb-eu-1", "smb-eu-2", "smb-eu-3", "smb-eu-4"]);
    expect(tick.posted).toBe(60);
    rows = await state();
    expect(rows.find((r) => r.cell === "smb-us-1" && r.service === "sms")).toMatchObject({ status: "green", observed: "v2.4.0" });

    // A cell retired between two fleet refreshes: the API refuses its samples, the rest still land.
    await t.query(`UPDATE cells SET status = 'retired' WHERE id = 'smb-ap-1'`);
    clock += 5_000;
    expect((await sim.tick()).posted).toBe(55);
    expect(lines.at(-1)).toMatch(/telemetry refused for targets the registry does not have \(smb-ap-1\)/);
    expect(sim.fleet.has("smb-ap-1")).toBe(false);
    clock += 5_000;
    expect((await sim.tick()).posted).toBe(55);
  });

  it("does not crash when the API is down; it backs off and carries on when it is back", async () => {
    const { token } = await audited(t.prisma, "test", (tx) =>
      rotateToken(tx, { name: "sim-outage", scopes: SIMULATOR_SCOPES }, "test", new Date()),
    );
    const lines: string[] = [];
    let clock = Date.now() - 60_000;
    const sim = simulator(token, lines, () => clock);
    expect(await sim.refreshFleet()).toBe(true);
    await new Promise((r) => server.close(r));
    expect(await sim.tick()).toMatchObject({ posted: 0 });
    expect(
      lines.some((l) =>
        /API unavailable \(POST \/api\/v1\/telemetry: (ECONNREFUSED|UND_ERR_SOCKET|ECONNRESET)\); retrying in 1\.0 s/.test(l),
      ),
    ).toBe(true);
    expect(sim.available).toBe(false);
    expect(await sim.tick()).toMatchObject({ posted: 0 }); // still backing off: no request at all

    server = await serveAppRoutes(routes, port);
    clock += 1_001;
    expect(await sim.tick()).toMatchObject({ posted: 15 * 5 }); // smb-ap-1 was retired above
    expect(lines.at(-1)).toBe("API reachable again");

    // A token that is refused is logged and retried, not fatal.
    await t.query(`UPDATE api_tokens SET revoked_at = now() WHERE name = 'sim-outage'`);
    clock += 5_000;
    expect(await sim.tick()).toMatchObject({ posted: 0 });
    expect(lines.at(-1)).toMatch(/HTTP 401 — the token was refused/);
  });
});
