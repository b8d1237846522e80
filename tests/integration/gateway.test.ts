import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audited } from "@/lib/audit/server/record";
import { seedDemo } from "@/lib/fleet/server/seed";
import { exportGatewayConfig, exportGatewayYaml, parseGatewayYaml } from "@/lib/gateway/config-yaml";
import { routeKey, tableFields } from "@/lib/gateway/model";
import { seedGatewayDemo } from "@/lib/gateway/server/seed";
import {
  applyGatewayImport,
  changeRouteLifecycle,
  configSnapshot,
  configVersion,
  loadCapabilities,
  loadRoutes,
  readinessOf,
  resolveFor,
} from "@/lib/gateway/server/store";
import { ingestSamples } from "@/lib/health/server/store";
import { DEFAULT_THRESHOLDS } from "@/lib/health/thresholds";
import type { LifecycleAction } from "@/lib/gateway/lifecycle";
import { cliIn } from "../support/cli";
import { refusal } from "../support/refusal";
import { freshDatabase, type TestDatabase } from "../support/db";

const SERVICES = ["sms", "voice", "video", "whatsapp", "email"];
const NOW = new Date("2026-11-26T10:00:00Z");
const at = (min: number) => new Date(NOW.getTime() + min * 60_000);
const example = fs.readFileSync("examples/api-gateway-config.yaml", "utf8");

let t: TestDatabase;
let client: pg.Client;
/** ingestSamples takes a pool; one client whose end() waits for the socket to close keeps teardown clean. */
let pool: { query: pg.Client["query"]; connect: () => Promise<pg.Client & { release: () => void }> };
let cells: string[];
beforeAll(async () => {
  t = await freshDatabase("gateway");
  await seedDemo(t.prisma, "cellplane");
  client = new pg.Client({ connectionString: t.url });
  await client.connect();
  pool = { query: client.query.bind(client) as pg.Client["query"], connect: async () => Object.assign(client, { release: () => {} }) };
  cells = (await t.prisma.cell.findMany({ where: { status: "active" }, select: { id: true } })).map((c) => c.id);
});
afterAll(async () => {
  await client.end();
  await t.drop();
});

const version = async () => (await configVersion(t.prisma)).version;
const change = (key: string, action: LifecycleAction, now = NOW, actor = "release@cellplane.local", expectedRevision?: number) =>
  audited(t.prisma, actor, (tx) => changeRouteLifecycle(tx, { key, action, expectedRevision }, actor, now));
const report = (cellIds: string[], service: string, apiVersions: string[], ts: Date) =>
  ingestSamples(
    pool,
    cellIds.map((cell) => ({ cell, service, ts, errorRate: 0.0001, p99Ms: 120, cpu: 0.3, rps: 50, apiVersions })),
    DEFAULT_THRESHOLDS,
  );

describe("the demo seed imports the example file once", () => {
  it("five routes, version 1; a second seed is a no-op", async () => {
    expect(await seedGatewayDemo(t.prisma, NOW)).toBe(true);
    expect(await seedGatewayDemo(t.prisma, NOW)).toBe(false);
    const routes = await loadRoutes(t.prisma);
    expect(routes.map(routeKey)).toEqual([
      "POST /v1/Messages",
      "POST /v2/Messages",
      "POST /v0/Messages",
      "POST /v1/Calls",
      "POST /v2/Calls",
    ]);
    expect(await version()).toBe(1);
    const audit = await t.prisma.auditEvent.findFirst({ where: { action: "gateway.import" } });
    expect(JSON.stringify(audit?.after)).toContain('legacy value \\"true\\" converted');
  });
});

describe("export → import round trip and the ETag version", () => {
  it("re-importing the export changes nothing and keeps the version", async () => {
    const before = await loadRoutes(t.prisma);
    const v = await version();
    const yaml = exportGatewayYaml(before, { version: v });
    const parsed = parseGatewayYaml(yaml, SERVICES, at(60));
    expect(parsed.routes).toEqual(before.map(tableFields));
    const r = await audited(t.prisma, "test", (tx) => applyGatewayImport(tx, parsed, "test", "round-trip", at(60)));
    expect(r.changed).toBe(false);
    expect(await version()).toBe(v);
    expect((await loadRoutes(t.prisma)).map(tableFields)).toEqual(before.map(tableFields));
  });

  it("an import that changes a route bumps the version once and audits the route with before/after", async () => {
    const v = await version();
    const yaml = example.replace("introduced: 2025-01-15", "introduced: 2025-01-20");
    const r = await audited(t.prisma, "test", (tx) => applyGatewayImport(tx, parseGatewayYaml(yaml, SERVICES, NOW), "test", "edit", NOW));
    expect(r.changed).toBe(true);
    expect(await version()).toBe(v + 1);
    const ev = await t.prisma.auditEvent.findFirst({
      where: { targetType: "route", targetId: "POST /v2/Messages", action: "route.update" },
      orderBy: { id: "desc" },
    });
    expect(ev?.before).toMatchObject({ introduced: "2025-01-15T00:00:00.000Z" });
    expect(ev?.after).toMatchObject({ introduced: "2025-01-20T00:00:00.000Z" });
    // and back, for the tests below (the legacy conversion depends on v2's introduction)
    await audited(t.prisma, "test", (tx) => applyGatewayImport(tx, parseGatewayYaml(example, SERVICES, NOW), "test", "restore", NOW));
    expect(await version()).toBe(v + 2);
  });

  it("an import that would start serving /v2/Calls while cells lack voice v2 is refused like an enable, changing nothing", async () => {
    const v = await version();
    const yaml = example.replace("status: disabled ", "status: active   ");
    const e = await refusal(
      audited(t.prisma, "test", (tx) => applyGatewayImport(tx, parseGatewayYaml(yaml, SERVICES, NOW), "test", "sneaky", NOW)),
    );
    expect(e.code).toBe("PRECONDITION");
    expect(e.message).toContain("POST /v2/Calls (16 cells lack voice v2");
    expect(await version()).toBe(v);
    expect((await loadRoutes(t.prisma)).find((r) => r.path === "/v2/Calls")?.status).toBe("disabled");
  });
});

describe("enabling /v2/Calls through the readiness gate", () => {
  it("is refused, naming the lagging cell, until every active cell reports voice v2; the version moves only on success", async () => {
    const hipaa = "enterprise-us-hipaa";
    await report(
      cells.filter((c) => c !== hipaa),
      "voice",
      ["v1", "v2"],
      at(-2),
    );
    await report([hipaa], "voice", ["v1"], at(-2));
    const v = await version();
    const e = await refusal(change("POST /v2/Calls", { kind: "enable" }));
    expect(e.code).toBe("PRECONDITION");
    expect(e.fieldErrors).toEqual({ laggingCells: [hipaa] });
    expect(e.message).toContain(`1 cell lacks voice v2 (${hipaa})`);
    expect(await version()).toBe(v);

    // a stale report does not count: the hipaa cell reported v2 20 minutes before "now"
    await report([hipaa], "voice", ["v1", "v2"], at(-20));
    expect((await refusal(change("POST /v2/Calls", { kind: "enable" }))).message).toContain("reported voice v2 over 15 min ago");

    // a fresh report makes the fleet ready; another reporter's v1-only report does not undo it
    await report([hipaa], "voice", ["v1", "v2"], at(-1));
    await report(cells, "voice", ["v1"], at(0));
    const r = await change("POST /v2/Calls", { kind: "enable" });
    expect(r.route.status).toBe("active");
    expect(r.version).toBe(v + 1);
    const ev = await t.prisma.auditEvent.findFirst({ where: { targetType: "route", targetId: "POST /v2/Calls", action: "route.enable" } });
    expect(ev).toMatchObject({
      actor: "release@cellplane.local",
      before: { status: "disabled" },
      after: { status: "active", configVersion: v + 1 },
    });
  });

  it("two simultaneous clicks make exactly one transition", async () => {
    // /v1/Calls: deprecate twice at once with the same revision → one succeeds, one conflicts
    const route = (await loadRoutes(t.prisma)).find((r) => r.path === "/v1/Calls")!;
    const v = await version();
    const action: LifecycleAction = {
      kind: "deprecate",
      deprecationDate: NOW,
      sunsetDate: new Date("2027-06-01T00:00:00Z"),
      documentation: "https://docs.example.com/voice/v1-sunset",
    };
    const results = await Promise.allSettled([
      change("POST /v1/Calls", action, NOW, "release@cellplane.local", route.revision),
      change("POST /v1/Calls", action, NOW, "release2@cellplane.local", route.revision),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const failed = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(failed.reason).toMatchObject({ code: "CONFLICT" });
    expect(await version()).toBe(v + 1);
    expect(await t.prisma.auditEvent.count({ where: { targetId: "POST /v1/Calls", action: "route.deprecate" } })).toBe(1);
  });

  it("an admin may force past the gate with a reason, audited", async () => {
    await audited(t.prisma, "test", (tx) =>
      applyGatewayImport(
        tx,
        parseGatewayYaml(example.replace("/v2/Calls\n", "/v3/Calls\n").replace("voice/v2/calls", "voice/v3/calls"), SERVICES, NOW),
        "test",
        "v3",
        NOW,
      ),
    );
    const e = await refusal(change("POST /v3/Calls", { kind: "enable", force: { reason: "short" } }, NOW, "admin@cellplane.local"));
    expect(e.code).toBe("INVALID");
    const r = await change(
      "POST /v3/Calls",
      { kind: "enable", force: { reason: "Carrier deadline; cells verified by hand" } },
      NOW,
      "admin@cellplane.local",
    );
    expect(r.forced).toBe(true);
    const ev = await t.prisma.auditEvent.findFirst({ where: { targetId: "POST /v3/Calls", action: "route.enable.forced" } });
    expect(ev?.reason).toBe("Carrier deadline; cells verified by hand");
    expect((ev!.after as { lagging: string[] }).lagging).toHaveLength(16);
    // restore the demo table
    await audited(t.prisma, "test", (tx) => applyGatewayImport(tx, parseGatewayYaml(example, SERVICES, NOW), "test", "restore", NOW));
  });
});

describe("the resolver", () => {
  it("answers for active, deprecated (standard headers), sunset (410) and unknown (404) routes", async () => {
    const active = await resolveFor(t.prisma, { method: "POST", path: "/v1/Messages" }, NOW);
    expect(active).toMatchObject({ status: 200, outcome: "routed", backend: "https://cell-router.internal/sms/v1/messages", headers: {} });

    const dep = await resolveFor(t.prisma, { method: "POST", path: "/v0/Messages" }, NOW);
    expect(dep).toMatchObject({
      status: 200,
      servedAs: "POST /v1/Messages",
      backend: "https://cell-router.internal/sms/v1/messages",
      headers: { Deprecation: "@1736899200", Sunset: "Sun, 01 Jun 2025 00:00:00 GMT" },
    });
    // A customer whose home cell never reported sms v1: not "routed" with a buried flag, but a clear 503.
    expect(await resolveFor(t.prisma, { method: "POST", path: "/v0/Messages", customer: "enterprise-customer-123" }, NOW)).toMatchObject({
      status: 503,
      outcome: "cell_not_ready",
      backend: null,
      cell: { customer: "enterprise-customer-123", id: "enterprise-us-hipaa", capability: "missing" },
    });

    // sunset /v0 (its sunset date has passed) → 410
    const v0 = (await loadRoutes(t.prisma)).find((r) => r.path === "/v0/Messages")!;
    await change("POST /v0/Messages", { kind: "sunset", confirmation: "POST /v0/Messages" }, NOW, "release@cellplane.local", v0.revision);
    expect(await resolveFor(t.prisma, { method: "POST", path: "/v0/Messages" }, NOW)).toMatchObject({
      status: 410,
      outcome: "gone",
      backend: null,
    });

    expect(await resolveFor(t.prisma, { method: "POST", path: "/v9/Faxes" }, NOW)).toMatchObject({
      status: 404,
      outcome: "not_found",
      route: null,
    });
    expect(await resolveFor(t.prisma, { method: "POST", path: "/v2/Calls" }, NOW)).toMatchObject({
      status: 404,
      message: expect.stringContaining("disabled at the edge"),
    });
    await expect(resolveFor(t.prisma, { method: "POST", path: "/v1/Messages", customer: "nobody" }, NOW)).rejects.toMatchObject({
      code: "INVALID",
    });
  });
});

describe("readiness from the versions cells run now", () => {
  const reportAs = (cellIds: string[], version: string, apiVersions: string[], ts: Date) =>
    ingestSamples(
      pool,
      cellIds.map((cell) => ({ cell, service: "voice", ts, errorRate: 0.0001, p99Ms: 120, cpu: 0.3, rps: 50, version, apiVersions })),
      DEFAULT_THRESHOLDS,
    );
  const readinessOfCalls = async (now: Date) => {
    const state = await loadCapabilities(t.prisma);
    return readinessOf(state, { service: "voice", version: "v4" }, now);
  };

  it("a cell rolled back to a version without the handlers stops counting at once; the resolver and the edge config say so", async () => {
    const table = exportGatewayYaml(await loadRoutes(t.prisma));
    const withV4 = `${table}\n  - path: /v4/Calls\n    status: disabled\n    backend: \${cell_router}/voice/v4/calls\n`;
    await audited(t.prisma, "test", (tx) => applyGatewayImport(tx, parseGatewayYaml(withV4, SERVICES, NOW), "test", "v4", NOW));
    const hipaa = "enterprise-us-hipaa";
    await reportAs(cells, "v4.0.0", ["v1", "v4"], at(1));
    expect((await readinessOfCalls(at(1))).ready).toBe(true);
    // hipaa is rolled back to v3.9.0 (which serves v1 only) a minute later: not ready now, not in 15 minutes.
    await reportAs([hipaa], "v3.9.0", ["v1"], at(2));
    const r = await readinessOfCalls(at(2));
    expect(r.ready).toBe(false);
    expect(r.lagging).toEqual([
      expect.objectContaining({ cell: hipaa, state: "outdated", runningVersion: "v3.9.0", reportedVersion: "v4.0.0" }),
    ]);
    expect((await refusal(change("POST /v4/Calls", { kind: "enable" }, at(2)))).fieldErrors).toEqual({ laggingCells: [hipaa] });

    // An admin forces it anyway: a customer homed on hipaa is answered 503, and the edge config lists the cell.
    await change(
      "POST /v4/Calls",
      { kind: "enable", force: { reason: "carrier deadline, hipaa next week" } },
      at(3),
      "admin@cellplane.local",
    );
    const answer = await resolveFor(t.prisma, { method: "POST", path: "/v4/Calls", customer: "enterprise-customer-123" }, at(3));
    expect(answer).toMatchObject({
      status: 503,
      outcome: "cell_not_ready",
      cell: { id: hipaa, capability: "outdated", running: "v3.9.0" },
      message: expect.stringContaining(`${hipaa} (home cell of enterprise-customer-123) does not serve voice v4`),
    });
    const snap = await configSnapshot(t.prisma, at(3));
    // (Other served routes are listed too: this database's cells reported sms handlers long ago, or never.)
    expect(snap.unready["POST /v4/Calls"]).toEqual([hipaa]);
    expect(exportGatewayConfig(snap.routes, snap.unready).cell_readiness).toEqual({
      on_unready_cell: { status: 503, retry_after_seconds: 60 },
      unready: expect.objectContaining({ "POST /v4/Calls": [hipaa] }),
    });
    // The YAML the edge polls still imports (the live block is ignored).
    expect(() => parseGatewayYaml(exportGatewayYaml(snap.routes, snap.version, snap.unready), SERVICES, NOW)).not.toThrow();

    // Back on v4: ready again at once.
    await reportAs([hipaa], "v4.0.0", ["v1", "v4"], at(4));
    expect((await readinessOfCalls(at(4))).ready).toBe(true);
    expect((await resolveFor(t.prisma, { method: "POST", path: "/v4/Calls", customer: "enterprise-customer-123" }, at(4))).status).toBe(
      200,
    );
    await audited(t.prisma, "test", (tx) => applyGatewayImport(tx, parseGatewayYaml(table, SERVICES, NOW), "test", "restore", NOW));
  });
});

describe("npx cellplane import/export gateway", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cellplane-gw-"));
  const cli = (args: string[], url: string) => cliIn(url, args);

  it("imports the example as written (warning about the legacy header), exports it, and refuses a broken file by line", async () => {
    const db = await freshDatabase("gwcli");
    try {
      const r = await cli(["import", "gateway", "examples/api-gateway-config.yaml"], db.url);
      expect(r.err).toContain(
        'warning: examples/api-gateway-config.yaml:19: routes[2].response_headers.Deprecation: legacy value "true" converted',
      );
      expect(r.code).toBe(0);
      expect(r.out).toContain("Imported 5 routes from examples/api-gateway-config.yaml; gateway config version 1.");
      const exported = await cli(["export", "gateway"], db.url);
      expect(exported.out).toContain('Deprecation: "@1736899200"');
      const file = path.join(tmp, "exported.yaml");
      fs.writeFileSync(file, exported.out);
      expect((await cli(["import", "gateway", file], db.url)).out).toContain("version 1 (unchanged)");
      expect(JSON.parse((await cli(["export", "gateway", "--json"], db.url)).out).routes).toHaveLength(5);

      const bad = path.join(tmp, "bad.yaml");
      fs.writeFileSync(bad, example.replace("sunset_date: 2025-06-01", "sunset_date: 2025-06-01\n    deprecation_date: 2025-07-01"));
      const b = await cli(["import", "gateway", bad], db.url);
      expect(b.code).toBe(1);
      expect(b.err).toContain(`${bad}:17: routes[2].sunset_date: sunset 2025-06-01 precedes deprecation 2025-07-01`);
      expect(b.err).toContain("Nothing was changed");
      expect((await configVersion(db.prisma)).version).toBe(1);
    } finally {
      await db.drop();
    }
  });
});
