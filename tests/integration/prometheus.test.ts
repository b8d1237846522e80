// The Prometheus tier: a real Prometheus (its own port and data folder) scrapes the fleet simulator's
// exposition; Cellplane reads health only through PromQL (the simulator pushes no telemetry). A fault
// turns a tile red and fires an alert rule; a release check fails on the new version's error rate
// and the wave rolls back. Real time passes (Prometheus scrapes every second, windows are seconds
// long); every wait polls for its outcome with a generous deadline, so load lengthens the test
// without changing what it sees.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audited } from "@/lib/audit/server/record";
import { createTokenVerifier, poolRows } from "@/lib/auth/server/tokens";
import { createToken } from "@/lib/auth/server/users";
import { DEMO_VERSIONS, seedDemo } from "@/lib/fleet/server/seed";
import { syncRuleAlerts } from "@/lib/health/server/alerts-store";
import { syncCurrentState } from "@/lib/health/server/source-sync";
import { loadFleetHealth } from "@/lib/health/server/store";
import { useHealthSource } from "@/lib/health/sources/server/current";
import { prometheusSource } from "@/lib/health/sources/server/prometheus-source";
import { DEFAULT_PROM_SETTINGS, type PromSettings } from "@/lib/health/sources/templates";
import type { HealthSource } from "@/lib/health/sources/types";
import { DEFAULT_THRESHOLDS, type Thresholds } from "@/lib/health/thresholds";
import type { WavePlan } from "@/lib/rollouts/engine";
import { commandRelease, createRelease, tickRelease } from "@/lib/rollouts/server/release-store";
import { isMetricsRequest, serveMetrics } from "@/lib/metrics/server/http";
import { DEFAULT_CAPABILITIES } from "@/lib/simulator/capabilities";
import { Exposition } from "@/lib/simulator/exposition";
import { type ExpositionServer, serveExposition } from "@/lib/simulator/server/exposition-server";
import { FleetSimulator } from "@/lib/simulator/server/runner";
import { freshDatabase, type TestDatabase } from "../support/db";
import { type AppRoute, type Handler, portOf, serveAppRoutes } from "../support/app-routes";
import { type RunningPrometheus, startPrometheus } from "../support/prometheus";

const ROOT = path.resolve(import.meta.dirname, "../..");
const PROM_PORT = Number(process.env.CELLPLANE_TEST_PROM_PORT ?? 9490);
const EXPOSE_PORT = Number(process.env.CELLPLANE_TEST_EXPOSE_PORT ?? 9491);
const DATA = path.join(ROOT, ".data", `test-prometheus-${PROM_PORT}`);

/** Windows of seconds: the scrape interval is 1 s. */
const SETTINGS: PromSettings = { ...DEFAULT_PROM_SETTINGS, window: "4s", step: "1s" };
const THRESHOLDS: Thresholds = { ...DEFAULT_THRESHOLDS, alertAfterMs: 2_000 };

let t: TestDatabase;
let pool: pg.Pool;
let app: http.Server;
let appPort = 0;
let closeApp: () => Promise<void> = async () => {};
let exposed: ExpositionServer | undefined;
let metricsServer: http.Server | undefined;
let metricsPort = 0;
let prom: RunningPrometheus | undefined;
let source: HealthSource;
const stopSim = new AbortController();
let simulating: Promise<void> = Promise.resolve();
const faultsFile = path.join(DATA, "faults.json");
const simLog: string[] = [];

/** Poll `probe` until it returns something truthy; fail with `what` and the last value after `ms`. */
async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${ms / 1000} s (last: ${String(last)})\n${simLog.slice(-15).join("\n")}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const sync = () => syncCurrentState(pool, source, THRESHOLDS, new Date());
const setFaults = (faults: unknown[]) => fs.writeFileSync(faultsFile, JSON.stringify({ faults }));

beforeAll(async () => {
  fs.rmSync(DATA, { recursive: true, force: true });
  fs.mkdirSync(DATA, { recursive: true });
  setFaults([]);
  t = await freshDatabase("prometheus");
  await seedDemo(t.prisma, "cellplane-test");
  await t.prisma.pipeline.create({ data: { id: "test", name: "Test", format: "native", source: "", spec: {}, updatedBy: "test" } });
  pool = new pg.Pool({ connectionString: t.url, max: 4 });
  process.env.DATABASE_URL = t.url;
  const [{ GET: health }, { GET: desired }, dbModule] = await Promise.all([
    import("@/app/api/v1/fleet/health/route"),
    import("@/app/api/v1/cells/[cell]/desired/route"),
    import("@/lib/db"),
  ]);
  const routes: AppRoute[] = [
    { method: "GET", pattern: /^\/api\/v1\/fleet\/health$/, keys: [], handler: health as Handler },
    { method: "GET", pattern: /^\/api\/v1\/cells\/([^/]+)\/desired$/, keys: ["cell"], handler: desired as Handler },
  ];
  app = await serveAppRoutes(routes);
  appPort = portOf(app);
  closeApp = async () => {
    await dbModule.db().$disconnect();
    await dbModule.pool().end();
  };

  // The simulator as real services would run: scraped, not pushing; a token that can only read the fleet and desired versions.
  const { token } = await audited(t.prisma, "test", (tx) =>
    createToken(tx, { name: "scraped-cells", scopes: ["fleet:read", "cells:agent"] }, "test"),
  );
  const exposition = new Exposition();
  exposed = await serveExposition(exposition, EXPOSE_PORT);
  const sim = new FleetSimulator({
    url: `http://127.0.0.1:${appPort}`,
    token,
    seed: "prometheus-tier",
    intervalMs: 1_000,
    refreshMs: 10_000,
    pollMs: 1_000,
    maxPollsPerS: 25,
    converge: { minS: 0.2, maxS: 0.5 },
    capabilities: DEFAULT_CAPABILITIES,
    faults: [],
    faultsFile,
    batchSize: 1000,
    exposition,
    log: (l) => simLog.push(l),
  });
  simulating = sim.run(stopSim.signal);
  // Cellplane's own /metrics, as the app server answers it (token scope metrics:read).
  const { token: metricsToken } = await audited(t.prisma, "test", (tx) =>
    createToken(tx, { name: "prometheus", scopes: ["metrics:read"] }, "test"),
  );
  metricsServer = http.createServer((req, res) => {
    if (isMetricsRequest(req)) void serveMetrics({ pool, tokens: createTokenVerifier(poolRows(pool)) }, req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => metricsServer!.listen(0, "127.0.0.1", r));
  metricsPort = (metricsServer.address() as AddressInfo).port;
  prom = await startPrometheus({
    port: PROM_PORT,
    dataDir: DATA,
    targets: [
      { job: "cells", target: `127.0.0.1:${exposed.port}` },
      { job: "cellplane", target: `127.0.0.1:${metricsPort}`, bearerToken: metricsToken },
    ],
  });
  source = prometheusSource({ url: prom.url }, async () => SETTINGS);
  useHealthSource(source);
}, 120_000);

afterAll(async () => {
  useHealthSource(undefined);
  stopSim.abort();
  await simulating;
  await prom?.stop();
  await exposed?.close();
  await new Promise((r) => (metricsServer ? metricsServer.close(r) : r(null)));
  await new Promise((r) => app?.close(r));
  await closeApp();
  await pool?.end();
  await t?.drop();
});

const tile = async (cell: string, service: string) =>
  (await loadFleetHealth(pool, THRESHOLDS, new Date())).cells.find((c) => c.id === cell)!.services.find((s) => s.service === service)!;

describe("health through a real Prometheus", () => {
  it("the heatmap's state comes from PromQL: a fault turns the tile red and the alert rule fires", async () => {
    const healthy = await until("every cell × service green from Prometheus", async () => {
      const out = await sync();
      const fleet = await loadFleetHealth(pool, THRESHOLDS, new Date());
      return out.known === 80 && fleet.counts.green === 16 && fleet;
    });
    expect(healthy.cells.every((c) => c.services.every((s) => s.observedVersion === DEMO_VERSIONS[s.service]))).toBe(true);
    // Nothing was pushed: no history rows, the state came from the scrapes.
    expect((await t.query<{ n: number }>("SELECT count(*)::int AS n FROM health_samples"))[0]!.n).toBe(0);

    setFaults([{ kind: "bad-version", service: "sms", version: DEMO_VERSIONS.sms, errorRate: 0.05, cells: "smb-us-1" }]);
    // Red as soon as the window's rate passes 1%; the 5% the fault sets once the window holds only faulty scrapes.
    const red = await until("smb-us-1 sms red at the fault's error rate", async () => {
      await sync();
      const s = await tile("smb-us-1", "sms");
      return s.status === "red" && s.errorRate! > 0.03 && s;
    });
    expect(red.reasons.join(" ")).toMatch(/error rate/);
    expect(red.errorRate).toBeLessThan(0.08);
    expect((await tile("smb-us-2", "sms")).status).toBe("green");

    const alert = await until("a high_error_rate rule alert on smb-us-1 sms", async () => {
      await sync();
      await syncRuleAlerts(t.prisma, THRESHOLDS, new Date());
      return t.prisma.alert.findFirst({ where: { type: "high_error_rate", cellId: "smb-us-1", serviceId: "sms", status: "firing" } });
    });
    expect(alert.source).toBe("rule");

    setFaults([]);
    await until("smb-us-1 sms green again and its alert resolved", async () => {
      await sync();
      await syncRuleAlerts(t.prisma, THRESHOLDS, new Date());
      const open = await t.prisma.alert.count({ where: { type: "high_error_rate", cellId: "smb-us-1", status: "firing" } });
      return (await tile("smb-us-1", "sms")).status === "green" && open === 0;
    });
  });

  it("a release check fails on the new version's error rate through PromQL, and the wave rolls back", async () => {
    const bad = "v3.9.9";
    setFaults([{ kind: "bad-version", service: "voice", version: bad, errorRate: 0.2, cells: "*" }]);
    const plan: WavePlan[] = [
      {
        name: "canary",
        group: "canary",
        cells: ["smb-eu-1", "smb-eu-2"],
        parallel: true,
        bakeMs: 6_000,
        requiresApproval: false,
        notify: null,
        maintenanceWindow: false,
        checks: [{ kind: "error_rate", max: 0.01, source: "error_rate < 1%" }],
      },
    ];
    const { id } = await audited(t.prisma, "release@cellplane.local", (tx) =>
      createRelease(tx, { pipelineId: "test", versions: { voice: bad }, plan }, "release@cellplane.local", new Date()),
    );
    try {
      const done = await until(
        "the release ends",
        async () => {
          await sync();
          await tickRelease(t.prisma, id, new Date(), 1);
          const r = await t.prisma.release.findUniqueOrThrow({ where: { id } });
          return ["succeeded", "rolled_back", "aborted"].includes(r.status) && r;
        },
        150_000,
      );
      expect(done.status).toBe("rolled_back");
      const checks = await t.prisma.releaseCheckResult.findMany({ where: { releaseId: id } });
      expect(checks).toHaveLength(1);
      expect(checks[0]).toMatchObject({ check: "error_rate < 1%", passed: false, threshold: 0.01 });
      expect(checks[0]!.measured!).toBeGreaterThan(0.05);
      expect(checks[0]!.detail).toMatch(/^worst cell smb-eu-[12]: /);
      // The cells run the previous version again — as Prometheus's build_info says.
      const versions = await t.prisma.cellService.findMany({ where: { cellId: { in: ["smb-eu-1", "smb-eu-2"] }, serviceId: "voice" } });
      expect(versions.map((v) => v.observedVersion)).toEqual([DEMO_VERSIONS.voice, DEMO_VERSIONS.voice]);
      const events = await t.prisma.deploymentEvent.findMany({ where: { cellId: "smb-eu-1", serviceId: "voice" }, orderBy: { at: "asc" } });
      expect(events.map((e) => [e.toVersion, e.source])).toEqual([
        [bad, "prometheus"],
        [DEMO_VERSIONS.voice, "prometheus"],
      ]);
    } finally {
      setFaults([]);
      const r = await t.prisma.release.findUnique({ where: { id } });
      if (r && ["running", "awaiting_approval", "paused"].includes(r.status))
        await audited(t.prisma, "test", (tx) =>
          commandRelease(tx, id, { kind: "abort", by: "test", reason: "test done" }, "test", new Date(), 1),
        );
    }
  });

  it("Cellplane's own /metrics is scraped by the same Prometheus (token scope metrics:read)", async () => {
    const up = await until("the cellplane job up", async () => {
      const r = await prom!.query('up{job="cellplane"} == 1');
      return r.length === 1 && r;
    });
    expect(up[0]!.metric.job).toBe("cellplane");
    const released = await until("releases by status, read from the database at the scrape", async () => {
      const r = await prom!.query('cellplane_releases{status="rolled_back"}');
      return r.length === 1 && r;
    });
    expect(Number(released[0]!.value[1])).toBeGreaterThanOrEqual(1);
    expect((await prom!.query("cellplane_db_pool_connections")).length).toBeGreaterThanOrEqual(0);
    const refused = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(refused.status).toBe(401);
    const wrongScope = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { headers: { authorization: "Bearer cp_not-a-token" } });
    expect(wrongScope.status).toBe(401);
  });
});
