// Release guards against real PostgreSQL: the SQL readings agree with the pure definitions, and a
// fault injected mid-bake rolls the wave back within the stated bound at a compressed time scale —
// the cells played by the simulator's own engine (its bad-version fault, its convergence delays),
// the clock injected, nothing sleeping.
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audited } from "@/lib/audit/server/record";
import { windowReadings } from "@/lib/health/server/guard-readings";
import { ingestSamples } from "@/lib/health/server/store";
import { DEFAULT_THRESHOLDS } from "@/lib/health/thresholds";
import { parseCheck } from "@/lib/rollouts/checks";
import type { ReleaseDoc, WavePlan } from "@/lib/rollouts/engine";
import { summarise, type Sample } from "@/lib/rollouts/guards";
import { commandRelease, createRelease, tickRelease } from "@/lib/rollouts/server/release-store";
import type { CheckSpec } from "@/lib/rollouts/types";
import { DEFAULT_CAPABILITIES } from "@/lib/simulator/capabilities";
import { DEFAULT_CONVERGE } from "@/lib/simulator/convergence";
import { advanceFleet, applyDesired, buildSamples, reconcileFleet, type SimFleet } from "@/lib/simulator/engine";
import type { Fault } from "@/lib/simulator/faults";
import { seededRandom } from "@/lib/simulator/random";
import { testWave } from "../support/waves";
import { type SeededDatabase, seededDatabase } from "../support/seeded-db";

let t: SeededDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  t = await seededDatabase("guards", { password: "cellplane", testPipeline: true });
  pool = t.pool;
});
afterAll(() => t.drop());

const check = (item: unknown) => parseCheck(item) as CheckSpec;
const wave = (name: string, cells: string[], o: Partial<WavePlan> = {}) =>
  testWave(name, cells, { bakeMs: 24 * 3600_000, checks: [check("error_rate < 0.1%"), check("p99_latency < 500ms")], ...o });

const docOf = async (id: string) => (await t.prisma.release.findUnique({ where: { id } }))!.doc as unknown as ReleaseDoc;

describe("guard readings in SQL", () => {
  it("agree with the pure definitions: traffic-weighted error rate, requests from sample gaps, weighted p99", async () => {
    const base = Date.now() - 3600_000;
    const rand = seededRandom("readings");
    const samples: (Sample & { version: string })[] = [];
    for (const cell of ["smb-eu-1", "smb-eu-2"]) {
      for (const service of ["email", "whatsapp"]) {
        let ts = base - 90_000; // a minute and a half before the window: predecessors only
        while (ts < base + 600_000) {
          ts += Math.round(1000 + rand() * (rand() < 0.05 ? 90_000 : 9000)); // mostly 1–10 s, a few long gaps
          samples.push({
            cell,
            service,
            ts,
            errorRate: Math.round(rand() * 1e6) / 1e8,
            p99Ms: Math.round(100 + rand() * 400),
            rps: Math.round(rand() * 500) / 10,
            version: service === "email" ? "v4.0.1" : "v1.12.3",
          });
        }
      }
    }
    await ingestSamples(
      pool,
      samples.map((s) => ({ ...s, ts: new Date(s.ts), cpu: 0.3 })),
      DEFAULT_THRESHOLDS,
    );
    const from = base,
      to = base + 500_000;
    const series = [
      { service: "email", version: "v4.0.1" },
      { service: "whatsapp", version: null },
    ];
    const sql = await windowReadings(t.prisma, { cells: ["smb-eu-1", "smb-eu-2"], series, from: new Date(from), to: new Date(to) });
    const pure = summarise(samples, from, to);
    expect(Object.keys(sql).sort()).toEqual(["smb-eu-1", "smb-eu-2"]);
    for (const cell of Object.keys(pure)) {
      expect(sql[cell]!.samples).toBe(pure[cell]!.samples);
      expect(sql[cell]!.requests).toBeCloseTo(pure[cell]!.requests, 6);
      expect(sql[cell]!.errors).toBeCloseTo(pure[cell]!.errors, 9);
      expect(sql[cell]!.p99Ms).toBe(pure[cell]!.p99Ms);
    }
    const pooled = await windowReadings(t.prisma, {
      cells: ["smb-eu-1", "smb-eu-2"],
      series,
      from: new Date(from),
      to: new Date(to),
      pooled: true,
    });
    expect(pooled["*"]).toEqual({
      ...summarise(samples, from, to, () => "*")["*"],
      requests: expect.any(Number),
      errors: expect.any(Number),
    });
    expect(pooled["*"]!.requests).toBeCloseTo(pure["smb-eu-1"]!.requests + pure["smb-eu-2"]!.requests, 6);
  });
});

/**
 * The cells, played by the simulator's pure engine against the real store: every second of the
 * injected clock they pick up desired versions (every 5 s), switch after the simulator's 2–8 s
 * convergence delay, report a sample every 5 s through the real ingest path; then one ticker pass.
 */
function drill(opts: { service: string; cells: string[]; start: number; seed: string }) {
  const fleet: SimFleet = new Map();
  const rand = seededRandom(`${opts.seed}:converge`);
  const faults: Fault[] = [];
  return {
    fleet,
    faults,
    async init() {
      const rows = await t.prisma.cell.findMany({
        where: { id: { in: opts.cells } },
        select: { id: true, tier: true, region: true, services: { where: { serviceId: opts.service } } },
      });
      reconcileFleet(
        fleet,
        rows.map((c) => ({
          id: c.id,
          tier: c.tier,
          region: c.region,
          services: c.services.map((s) => ({ service: s.serviceId, observedVersion: s.observedVersion, desiredVersion: s.desiredVersion })),
        })),
      );
    },
    /** One second of the injected clock; returns the samples sent. */
    async second(now: number, releaseId: string, timeScale: number) {
      if ((now - opts.start) % 5000 === 0) {
        const desired = await t.prisma.cellService.findMany({
          where: { cellId: { in: opts.cells }, serviceId: opts.service },
          select: { cellId: true, desiredVersion: true },
        });
        for (const d of desired) applyDesired(fleet.get(d.cellId)!, { [opts.service]: d.desiredVersion }, now, rand, DEFAULT_CONVERGE);
      }
      advanceFleet(fleet, now);
      let sent: ReturnType<typeof buildSamples>["samples"] = [];
      if ((now - opts.start) % 5000 === 2000) {
        sent = buildSamples(fleet, {
          now: new Date(now),
          seed: opts.seed,
          intervalMs: 5000,
          faults,
          capabilities: DEFAULT_CAPABILITIES,
        }).samples;
        await ingestSamples(
          pool,
          sent.map((s) => ({ ...s, ts: new Date(s.ts) })),
          DEFAULT_THRESHOLDS,
          { now: new Date(now) },
        );
      }
      await tickRelease(t.prisma, releaseId, new Date(now), timeScale);
      return sent;
    },
  };
}

describe("a fault injected mid-bake (time scale 60, injected clock)", () => {
  it("rolls the wave back: detected within two ticker passes of the first bad sample, long before the 24 h bake ends", async () => {
    const SCALE = 60;
    const start = Math.floor((Date.now() - 3 * 3600_000) / 5000) * 5000;
    const cells = ["canary-us-internal", "smb-us-1", "smb-us-2", "smb-us-3"];
    const d = drill({ service: "sms", cells, start, seed: "mid-bake" });
    await d.init();
    const plan = [wave("canary", ["canary-us-internal"]), wave("smb", ["smb-us-1", "smb-us-2", "smb-us-3"])];
    const { id } = await audited(t.prisma, "release@cellplane.local", (tx) =>
      createRelease(tx, { pipelineId: "test", versions: { sms: "v2.6.0" }, plan }, "release@cellplane.local", new Date(start)),
    );
    let now = start;
    let bakeStart: number | null = null;
    let firstBad: number | null = null;
    let detected: number | null = null;
    let rolledBack: number | null = null;
    for (let step = 0; step < 3600 && rolledBack === null; step++, now += 1000) {
      if (bakeStart !== null && d.faults.length === 0 && now >= bakeStart + 10 * 60_000) {
        d.faults.push({ kind: "bad-version", version: "v2.6.0", service: "sms", cells: "*", errorRate: 0.05 });
      }
      const sent = await d.second(now, id, SCALE);
      if (firstBad === null && sent.some((s) => s.cell === "canary-us-internal" && s.errorRate >= 0.01)) firstBad = now;
      const doc = await docOf(id);
      const w = doc.waves[0]!;
      if (bakeStart === null && w.bakeStartedAt) bakeStart = Date.parse(w.bakeStartedAt);
      if (detected === null && w.breach) detected = now;
      if (doc.status === "rolled_back") rolledBack = now;
    }
    expect(bakeStart).not.toBeNull();
    expect(firstBad).toBe(Math.ceil((bakeStart! + 10 * 60_000 - start - 2000) / 5000) * 5000 + start + 2000);
    expect(detected, "detected").not.toBeNull();
    // Stated bound: the trailing window already holds enough evidence (healthy samples) when the
    // first bad sample arrives, so detection takes at most two ticker passes (1 s apart) after it.
    expect(detected! - firstBad!).toBeLessThanOrEqual(2000);
    // Convergence: the cells pick up the old version (≤ 5 s), switch (2–8 s), report it (≤ 5 s).
    expect(rolledBack! - detected!).toBeLessThanOrEqual(20_000);
    expect(rolledBack!).toBeLessThan(Date.parse((await docOf(id)).waves[0]!.bakeEndsAt!));

    const doc = await docOf(id);
    const w0 = doc.waves[0]!;
    expect(doc.waves.map((w) => w.state)).toEqual(["ROLLED_BACK", "SKIPPED"]);
    expect(w0.failure).toMatch(
      /^guard breach while baking: error_rate < 0\.1% breached: worst cell canary-us-internal: \d\.\d{3}% vs < 0\.100%$/,
    );
    expect(w0.breach).toMatchObject({
      check: "error_rate < 0.1%",
      threshold: 0.001,
      action: "rollback",
      at: new Date(detected!).toISOString(),
    });
    expect(w0.breach!.measured).toBeGreaterThan(0.001);
    const desired = await t.query<{ cell_id: string; desired_version: string }>(
      `SELECT cell_id, desired_version FROM cell_services WHERE service_id = 'sms' AND cell_id = ANY($1) ORDER BY cell_id`,
      [cells],
    );
    expect(Object.fromEntries(desired.map((r) => [r.cell_id, r.desired_version]))).toEqual({
      "canary-us-internal": "v2.4.0",
      "smb-us-1": "v2.4.0",
      "smb-us-2": "v2.4.0",
      "smb-us-3": "v2.4.0",
    });
    const recorded = await t.prisma.releaseCheckResult.findMany({ where: { releaseId: id, state: "breach" } });
    expect(recorded.map((r) => r.check)).toEqual(["error_rate < 0.1%"]);
    const audit = await t.query<{ after: { state: string; detail: string } }>(
      `SELECT after FROM audit_events WHERE target_id = $1 AND action = 'release.transition' ORDER BY id`,
      [id],
    );
    expect(audit.find((a) => a.after.state === "FAILED")!.after.detail).toMatch(/^guard breach while baking: error_rate < 0\.1%/);
  });
});

describe("relative checks and on_breach: pause", () => {
  /** Samples every 5 s for the last `seconds` before `now`, one per cell, with the version each cell reports. */
  async function report(now: number, seconds: number, cells: Record<string, { version: string; errorRate: number }>) {
    const samples = [];
    for (let ts = now - seconds * 1000; ts <= now; ts += 5000) {
      for (const [cell, v] of Object.entries(cells)) {
        samples.push({
          cell,
          service: "whatsapp",
          ts: new Date(ts),
          errorRate: v.errorRate,
          p99Ms: 150,
          cpu: 0.3,
          rps: 80,
          version: v.version,
        });
      }
    }
    await ingestSamples(pool, samples, DEFAULT_THRESHOLDS, { now: new Date(now) });
  }

  it("compares the wave against same-tier cells on the old version, pauses for a human, and records both numbers and their ratio", async () => {
    const start = Math.floor((Date.now() - 2 * 3600_000) / 1000) * 1000;
    const plan = [wave("eu", ["smb-eu-3"], { checks: [check("error_rate < 2x baseline")], onBreach: "pause" })];
    const { id } = await audited(t.prisma, "a", (tx) =>
      createRelease(tx, { pipelineId: "test", versions: { whatsapp: "v1.13.0" }, plan }, "a", new Date(start)),
    );
    await tickRelease(t.prisma, id, new Date(start), 60);
    const peers = { "smb-eu-4": { version: "v1.12.3", errorRate: 0.0002 }, "smb-ap-1": { version: "v1.12.3", errorRate: 0.0002 } };
    let now = start + 10_000;
    await report(now, 10, { "smb-eu-3": { version: "v1.13.0", errorRate: 0.0003 }, ...peers });
    await tickRelease(t.prisma, id, new Date(now), 60);
    expect((await docOf(id)).waves[0]!.state).toBe("BAKING");
    now += 30_000;
    await report(now, 25, { "smb-eu-3": { version: "v1.13.0", errorRate: 0.0003 }, ...peers });
    await tickRelease(t.prisma, id, new Date(now), 60);
    let doc = await docOf(id);
    expect(doc.waves[0]!.guard).toMatchObject({ state: "watching", cells: ["smb-eu-3"] });
    expect(doc.waves[0]!.guard!.results[0]).toMatchObject({ state: "pass" });
    expect(doc.waves[0]!.guard!.results[0]!.baseline).toBeCloseTo(0.0002, 9);
    expect(doc.waves[0]!.guard!.results[0]!.ratio).toBeCloseTo(1.5, 6);
    expect(doc.waves[0]!.guard!.results[0]!.detail).toMatch(/baseline 0\.020% \(smb cells on the old version\) = 1\.5×, limit < 2×/);

    now += 30_000;
    await report(now, 25, { "smb-eu-3": { version: "v1.13.0", errorRate: 0.002 }, ...peers });
    await tickRelease(t.prisma, id, new Date(now), 60);
    doc = await docOf(id);
    expect(doc.status).toBe("paused");
    expect(doc.waves[0]!.state).toBe("BAKING");
    expect(doc.waves[0]!.breach).toMatchObject({ action: "pause", check: "error_rate < 2x baseline", threshold: 2 });
    const row = await t.prisma.releaseCheckResult.findFirst({ where: { releaseId: id, state: "breach" } });
    expect(row).toMatchObject({ check: "error_rate < 2x baseline", threshold: 2, unit: "ratio" });
    expect(row!.baseline).toBeCloseTo(0.0002, 9);
    expect(row!.ratio!).toBeGreaterThan(2);
    expect(row!.measured!).toBeGreaterThan(0.0004);
    const delivery = await t.prisma.delivery.findFirst({ where: { releaseId: id, event: "guard_breach" } });
    expect((delivery!.payload as { text: string }).text).toMatch(/^Wave eu paused: guard breach while baking/);

    // A person resumes: the guard needs fresh evidence (from the resume on) before it can breach again.
    await audited(t.prisma, "sre@cellplane.local", (tx) =>
      commandRelease(tx, id, { kind: "resume", by: "sre@cellplane.local" }, "sre@cellplane.local", new Date(now + 1000), 60),
    );
    doc = await docOf(id);
    expect(doc.status).toBe("running");
    expect(doc.waves[0]!.guard!.state).toBe("not_enough_data");
    await audited(t.prisma, "x", (tx) =>
      commandRelease(tx, id, { kind: "abort", by: "x", reason: "test done" }, "x", new Date(now + 2000), 60),
    );
  });
});
