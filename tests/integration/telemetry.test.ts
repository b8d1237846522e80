import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { acknowledgeAlertGroup, applyExternalAlerts, pruneHistory, syncRuleAlerts } from "@/lib/health/server/alerts-store";
import { rollupRecent } from "@/lib/health/server/rollups";
import { ingestSamples, loadFleetHealth, UnknownTargetsError } from "@/lib/health/server/store";
import { validateBatch, type Sample } from "@/lib/health/telemetry";
import { DEFAULT_THRESHOLDS as T } from "@/lib/health/thresholds";
import { type SeededDatabase, seededDatabase } from "../support/seeded-db";

let t: SeededDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  t = await seededDatabase("telemetry", { password: "cellplane" });
  pool = t.pool;
});
afterAll(() => t.drop());

const base = new Date("2026-11-26T10:00:00Z");
const at = (min: number) => new Date(base.getTime() + min * 60_000);
const sample = (o: Partial<Sample> = {}): Sample => ({
  cell: "smb-us-1",
  service: "sms",
  ts: at(0),
  errorRate: 0.0002,
  p99Ms: 180,
  cpu: 0.4,
  rps: 120,
  ...o,
});
const count = async (sql: string, params: unknown[] = []) => Number((await t.query<{ n: string }>(sql, params))[0]!.n);

describe("telemetry ingest", () => {
  it("stores samples, current state and rollups; re-sending is idempotent", async () => {
    const batch = [sample(), sample({ ts: at(1) }), sample({ service: "voice", ts: at(1) })];
    const first = await ingestSamples(pool, batch, T);
    expect(first).toMatchObject({ received: 3, stored: 3, duplicates: 0 });
    const again = await ingestSamples(pool, batch, T);
    expect(again).toMatchObject({ received: 3, stored: 0, duplicates: 3 });
    expect(await count("SELECT count(*) n FROM health_samples")).toBe(3);
    await rollupRecent(t.prisma);
    await rollupRecent(t.prisma); // idempotent: buckets are recomputed, not added to
    const roll = await t.query<{ samples: number }>("SELECT samples FROM health_rollups WHERE cell_id='smb-us-1' AND service_id='sms'");
    expect(roll.map((r) => r.samples)).toEqual([2]); // duplicates were not counted twice
    const h = await t.query<{ last_sample_at: Date; status: string }>(
      "SELECT last_sample_at, status FROM service_health WHERE cell_id='smb-us-1' AND service_id='sms'",
    );
    expect(h[0]).toMatchObject({ last_sample_at: at(1), status: "green" });
  });

  it("refuses a batch naming unknown cells or services, storing nothing", async () => {
    const before = await count("SELECT count(*) n FROM health_samples");
    await expect(
      ingestSamples(pool, [sample({ ts: at(5) }), sample({ cell: "nope-1", ts: at(5) }), sample({ service: "fax", ts: at(5) })], T),
    ).rejects.toMatchObject({
      cells: ["nope-1"],
      services: ["fax"],
    });
    await expect(ingestSamples(pool, [sample({ cell: "nope-1" })], T)).rejects.toBeInstanceOf(UnknownTargetsError);
    expect(await count("SELECT count(*) n FROM health_samples")).toBe(before);
  });

  it("records version changes as deployment events and capabilities with first/last seen", async () => {
    const r = await ingestSamples(pool, [sample({ ts: at(2), version: "v2.5.0", apiVersions: ["v1", "v2"] })], T);
    expect(r.versionChanges).toEqual([{ cell: "smb-us-1", service: "sms", from: "v2.4.0", to: "v2.5.0" }]);
    await ingestSamples(pool, [sample({ ts: at(3), version: "v2.5.0", apiVersions: ["v2", "v1"] })], T);
    expect(await count("SELECT count(*) n FROM deployment_events WHERE cell_id='smb-us-1' AND service_id='sms'")).toBe(1);
    const cs = await t.prisma.cellService.findUnique({ where: { cellId_serviceId: { cellId: "smb-us-1", serviceId: "sms" } } });
    expect(cs?.observedVersion).toBe("v2.5.0");
    const caps = await t.query<{ api_version: string; first_reported_at: Date; last_reported_at: Date }>(
      "SELECT api_version, first_reported_at, last_reported_at FROM api_capabilities WHERE cell_id='smb-us-1' AND service_id='sms' ORDER BY api_version",
    );
    // Reported again a minute later: last seen is kept to within five minutes, so not rewritten yet.
    expect(caps).toEqual([
      { api_version: "v1", first_reported_at: at(2), last_reported_at: at(2) },
      { api_version: "v2", first_reported_at: at(2), last_reported_at: at(2) },
    ]);
    await ingestSamples(pool, [sample({ ts: at(7), version: "v2.5.0", apiVersions: ["v1", "v2"] })], T);
    expect(
      await t.query(
        "SELECT api_version, last_reported_at FROM api_capabilities WHERE cell_id='smb-us-1' AND service_id='sms' ORDER BY api_version",
      ),
    ).toEqual([
      { api_version: "v1", last_reported_at: at(7) },
      { api_version: "v2", last_reported_at: at(7) },
    ]);
  });

  it("tracks status since, breach start, and never regresses on an older batch", async () => {
    const cell = "smb-eu-1";
    await ingestSamples(pool, [sample({ cell, ts: at(0) }), sample({ cell, ts: at(1), errorRate: 0.05 })], T);
    await ingestSamples(pool, [sample({ cell, ts: at(2), errorRate: 0.06 })], T);
    let h = (
      await t.query<{ status: string; status_since: Date; error_breach_since: Date | null }>(
        `SELECT status, status_since, error_breach_since FROM service_health WHERE cell_id=$1 AND service_id='sms'`,
        [cell],
      )
    )[0]!;
    expect(h).toMatchObject({ status: "red", status_since: at(1), error_breach_since: at(1) });
    await ingestSamples(pool, [sample({ cell, ts: at(-10), errorRate: 0 })], T); // late, older sample
    h = (
      await t.query<typeof h>(`SELECT status, status_since, error_breach_since FROM service_health WHERE cell_id=$1 AND service_id='sms'`, [
        cell,
      ])
    )[0]!;
    expect(h.status).toBe("red");
    await ingestSamples(pool, [sample({ cell, ts: at(3), errorRate: 0.0001 })], T);
    h = (
      await t.query<typeof h>(`SELECT status, status_since, error_breach_since FROM service_health WHERE cell_id=$1 AND service_id='sms'`, [
        cell,
      ])
    )[0]!;
    expect(h).toMatchObject({ status: "green", status_since: at(3), error_breach_since: null });
  });

  it("concurrent overlapping batches neither deadlock nor lose samples", async () => {
    const cells = ["smb-us-2", "smb-us-3", "smb-us-4", "smb-us-5"];
    const batches = Array.from({ length: 8 }, (_, b) =>
      (b % 2 ? [...cells].reverse() : cells).flatMap((cell) =>
        ["sms", "voice", "video"].map((service) => sample({ cell, service, ts: at(10 + b) })),
      ),
    );
    await Promise.all(batches.map((b) => ingestSamples(pool, b, T)));
    expect(await count("SELECT count(*) n FROM health_samples WHERE cell_id = ANY($1)", [cells])).toBe(8 * 12);
  });

  it("the heatmap data reads current state: statuses at now, worst per cell, no-data and silence", async () => {
    const fleet = await loadFleetHealth(pool, T, at(4));
    expect(fleet.cells).toHaveLength(16);
    const c = fleet.cells.find((x) => x.id === "smb-us-1")!;
    expect(c.services.map((s) => s.service)).toEqual(["sms", "voice", "video", "whatsapp", "email"]);
    expect(c.services[0]).toMatchObject({ status: "green", observedVersion: "v2.5.0", desiredVersion: "v2.4.0" });
    expect(c.services[2]!.status).toBe("no_data");
    expect(c.status).toBe("green");
    const later = await loadFleetHealth(pool, T, at(60));
    const silent = later.cells.find((x) => x.id === "smb-us-1")!.services[0]!;
    expect(silent.status).toBe("red");
    expect(silent.reasons[0]).toMatch(/no data for/);
    expect(later.counts.red).toBeGreaterThan(0);
  });
});

describe("validateBatch", () => {
  it("names each bad sample's index and field; accepts a bare array", () => {
    const r = validateBatch(
      {
        samples: [
          { cell: "a", service: "sms", ts: 1, errorRate: 0, p99Ms: 1, cpu: 0, rps: 0 },
          { cell: "a", service: "sms", ts: "yesterday", errorRate: 2, p99Ms: 1, cpu: 0, rps: 0 },
        ],
      },
      base,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.status).toBe(400);
    expect(r.errors.map((e) => `${e.index}:${e.field}`).sort()).toEqual(["1:errorRate", "1:ts"]);
    expect(validateBatch([{ cell: "a", service: "sms", ts: base.getTime(), errorRate: 0, p99Ms: 1, cpu: 0, rps: 0 }], base).ok).toBe(true);
  });
  it("413 over 5,000 samples; 400 for samples from the future", () => {
    const big = Array.from({ length: 5001 }, () => ({}));
    expect(validateBatch({ samples: big }, base)).toMatchObject({ ok: false, status: 413 });
    expect(
      validateBatch([{ cell: "a", service: "sms", ts: base.getTime() + 3600_000, errorRate: 0, p99Ms: 1, cpu: 0, rps: 0 }], base),
    ).toMatchObject({ ok: false, status: 400, errors: [{ index: 0, field: "ts" }] });
  });
});

describe("alerts", () => {
  it("rule alerts open after the condition held, one per cell × service × type, and resolve on recovery", async () => {
    const cells = ["smb-ap-1", "smb-ap-2", "smb-ap-3"];
    const now0 = new Date();
    const minus = (m: number) => new Date(now0.getTime() - m * 60_000);
    await ingestSamples(
      pool,
      cells.map((cell) => sample({ cell, ts: minus(4), errorRate: 0.2 })),
      T,
    );
    await ingestSamples(
      pool,
      cells.map((cell) => sample({ cell, ts: minus(0.5), errorRate: 0.3 })),
      T,
    );
    await syncRuleAlerts(t.prisma, T, now0);
    await syncRuleAlerts(t.prisma, T, now0); // idempotent
    const firing = await t.prisma.alert.findMany({ where: { status: "firing", type: "high_error_rate", cellId: { in: cells } } });
    expect(firing).toHaveLength(3);
    expect(firing[0]!.startedAt.getTime()).toBe(minus(4).getTime());
    await ingestSamples(
      pool,
      cells.map((cell) => sample({ cell, ts: minus(0.1), errorRate: 0.0001 })),
      T,
    );
    await syncRuleAlerts(t.prisma, T, now0);
    expect(await t.prisma.alert.count({ where: { status: "firing", type: "high_error_rate", cellId: { in: cells } } })).toBe(0);
    expect(await t.prisma.alert.count({ where: { status: "resolved", type: "high_error_rate", cellId: { in: cells } } })).toBe(3);
  });

  it("external alerts dedupe by key, resolve, and refuse unknown cells", async () => {
    const a = {
      type: "customer_complaint",
      cell: "smb-us-1",
      severity: "warning" as const,
      summary: "slow SMS delivery",
      status: "firing" as const,
      dedupKey: "zendesk-1",
    };
    expect(await applyExternalAlerts(t.prisma, [a], base)).toEqual({ opened: 1, updated: 0, resolved: 0 });
    expect(await applyExternalAlerts(t.prisma, [{ ...a, summary: "still slow" }], base)).toEqual({ opened: 0, updated: 1, resolved: 0 });
    expect(await applyExternalAlerts(t.prisma, [{ ...a, status: "resolved" }], base)).toEqual({ opened: 0, updated: 0, resolved: 1 });
    await expect(applyExternalAlerts(t.prisma, [{ ...a, cell: "nope" }], base)).rejects.toMatchObject({ cells: ["nope"] });
  });
});

describe("retention", () => {
  it("prunes samples older than the retention period and keeps the rest", async () => {
    const old = new Date(Date.now() - T.retentionMs - 3600_000);
    await ingestSamples(pool, [sample({ cell: "smb-eu-4", ts: old }), sample({ cell: "smb-eu-4", ts: new Date(Date.now() - 60_000) })], T);
    const r = await pruneHistory(t.prisma, T, new Date());
    expect(r.samples).toBeGreaterThanOrEqual(1);
    expect(await count("SELECT count(*) n FROM health_samples WHERE cell_id='smb-eu-4'")).toBe(1);
  });
});

describe("rollups (background job)", () => {
  it("picks up a batch that committed after a later one (overlap), and never double counts", async () => {
    const cell = "smb-us-5";
    const base2 = new Date("2026-11-26T13:00:00Z");
    const c = await pool.connect();
    try {
      // A slow batch takes its sequence numbers first and commits last.
      await c.query("BEGIN");
      await c.query(
        `INSERT INTO health_samples (cell_id, service_id, ts, error_rate, p99_ms, cpu, rps) VALUES ($1, 'sms', $2, 0.5, 100, 0.1, 1)`,
        [cell, base2],
      );
      await ingestSamples(pool, [sample({ cell, ts: new Date(base2.getTime() + 60_000) })], T);
      await rollupRecent(t.prisma);
      await c.query("COMMIT");
    } finally {
      c.release();
    }
    await rollupRecent(t.prisma);
    const r = await t.query<{ samples: number; max_error_rate: number }>(
      `SELECT samples, max_error_rate FROM health_rollups WHERE cell_id = $1 AND service_id = 'sms' AND bucket = $2`,
      [cell, base2],
    );
    expect(r).toEqual([{ samples: 2, max_error_rate: 0.5 }]);
  });
});

describe("acknowledging an issue type", () => {
  const ext = (cell: string, i: number, status: "firing" | "resolved" = "firing") => ({
    type: "carrier_outage",
    cell,
    service: "sms",
    severity: "critical" as const,
    summary: "carrier rejects messages",
    status,
    dedupKey: `carrier-${i}`,
  });

  it("acknowledges the firing alerts once, in the caller's transaction with its audit event; later alerts start unacknowledged", async () => {
    await applyExternalAlerts(t.prisma, [ext("smb-us-1", 1), ext("smb-us-2", 2)], base);
    const ack = (actor: string) =>
      t.prisma.$transaction((tx) => acknowledgeAlertGroup(tx, { type: "carrier_outage", comment: "paged the carrier" }, actor, at(1)));
    // Two on-call engineers click at once: one acknowledgement, the other is told there is nothing left.
    const results = await Promise.allSettled([ack("sre@cellplane.local"), ack("admin@cellplane.local")]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: { code: "PRECONDITION" } });
    const done = results.find((r) => r.status === "fulfilled") as PromiseFulfilledResult<Awaited<ReturnType<typeof ack>>>;
    expect(done.value).toMatchObject({
      data: { cells: ["smb-us-1", "smb-us-2"] },
      audit: [{ action: "alert.acknowledge", targetId: "carrier_outage" }],
    });

    await applyExternalAlerts(t.prisma, [ext("smb-eu-1", 3)], at(2));
    const rows = await t.query<{ cell_id: string; acknowledged_by: string | null; ack_comment: string | null }>(
      `SELECT cell_id, acknowledged_by, ack_comment FROM alerts WHERE type = 'carrier_outage' AND status = 'firing' ORDER BY cell_id`,
    );
    expect(rows.map((r) => [r.cell_id, !!r.acknowledged_by, r.ack_comment])).toEqual([
      ["smb-eu-1", false, null],
      ["smb-us-1", true, "paged the carrier"],
      ["smb-us-2", true, "paged the carrier"],
    ]);
    expect(await ack("sre@cellplane.local")).toMatchObject({ data: { cells: ["smb-eu-1"] } });
    await expect(
      t.prisma.$transaction((tx) => acknowledgeAlertGroup(tx, { type: "nothing_firing", comment: "hmm" }, "sre@cellplane.local", at(3))),
    ).rejects.toMatchObject({ code: "PRECONDITION" });
  });
});
