import { spawn, type ChildProcess } from "node:child_process";
import type pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { audited } from "@/lib/audit/server/record";
import { createPrisma } from "@/lib/db/client";
import { ingestSamples } from "@/lib/health/server/store";
import { DEFAULT_THRESHOLDS } from "@/lib/health/thresholds";
import type { WavePlan } from "@/lib/rollouts/engine";
import { commandRelease, createRelease, tickRelease } from "@/lib/rollouts/server/release-store";
import { testWave } from "../support/waves";
import { type SeededDatabase, seededDatabase } from "../support/seeded-db";

let t: SeededDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  t = await seededDatabase("releases", { password: "cellplane", testPipeline: true, poolMax: 6 });
  pool = t.pool;
});
afterAll(() => t.drop());
// A test that fails half-way must not leave a running release for the next one to trip over.
afterEach(async () => {
  const live = await t.prisma.release.findMany({
    where: { status: { in: ["running", "awaiting_approval", "paused"] } },
    select: { id: true },
  });
  for (const { id } of live) {
    await audited(t.prisma, "test", (tx) =>
      commandRelease(tx, id, { kind: "abort", by: "test", reason: "test done" }, "test", new Date(), 1),
    );
  }
});

const wave = (name: string, cells: string[], o: Partial<WavePlan> = {}) =>
  testWave(name, cells, { bakeMs: 1000, checks: [{ kind: "error_rate", max: 0.001, source: "error_rate < 0.1%" }], ...o });

/**
 * Plays the cells' deploy agents: report the desired version (healthy) through the real ingest path.
 * Agents here report every few milliseconds, so each sample stands for a few milliseconds of traffic:
 * a high rps gives the checks their minimum evidence (guards.ts) within a few samples.
 */
async function agentsReport(service: string) {
  const rows = await t.query<{ cell_id: string; desired_version: string }>(
    `SELECT cell_id, desired_version FROM cell_services WHERE service_id = $1`,
    [service],
  );
  await ingestSamples(
    pool,
    rows.map((r) => ({
      cell: r.cell_id,
      service,
      ts: new Date(),
      errorRate: 0.0001,
      p99Ms: 120,
      cpu: 0.2,
      rps: 5000,
      version: r.desired_version,
    })),
    DEFAULT_THRESHOLDS,
  );
}

/** A release of email `version` by release@: one wave on `cell` behind a gate, ticked once (to the gate). */
async function gatedRelease(version: string, cell: string) {
  const { id } = await audited(t.prisma, "release@cellplane.local", (tx) =>
    createRelease(
      tx,
      { pipelineId: "test", versions: { email: version }, plan: [wave("gate", [cell], { requiresApproval: true })] },
      "release@cellplane.local",
      new Date(),
    ),
  );
  await tickRelease(t.prisma, id, new Date(), 1);
  return id;
}

const transitions = async (id: string) =>
  t.query<{ before: { wave: string; state: string }; after: { wave: string; state: string } }>(
    `SELECT before, after FROM audit_events WHERE action = 'release.transition' AND target_id = $1 ORDER BY id`,
    [id],
  );

describe("releases against real PostgreSQL", () => {
  it("50 concurrent approvals of one gate record exactly one approval and one transition", async () => {
    const id = await gatedRelease("v4.1.0", "smb-us-1");
    expect((await t.prisma.release.findUnique({ where: { id } }))!.status).toBe("awaiting_approval");
    // 50 clicks at once, on a client of their own: 10 connections contend for the gate's row lock at
    // any moment and the rest queue for a connection. The waits are bounded by design (a queue of 50
    // short transactions, allowed two minutes), so a busy machine makes this slower, never different.
    const clicks = createPrisma(t.url, 10);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        audited(
          clicks,
          "release2@cellplane.local",
          (tx) =>
            commandRelease(
              tx,
              id,
              { kind: "approve", wave: 0, by: "release2@cellplane.local", comment: "go" },
              "release2@cellplane.local",
              new Date(),
              1,
            ),
          { maxWait: 120_000, timeout: 120_000 },
        ),
      ),
    ).finally(() => clicks.$disconnect());
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.message)).toEqual(
      Array(49).fill("this gate is not waiting for a decision (it may have been decided already)"),
    );
    expect(await t.prisma.releaseApproval.count({ where: { releaseId: id } })).toBe(1);
    const approvals = (await transitions(id)).filter((x) => x.before.state === "AWAITING_APPROVAL");
    expect(approvals).toHaveLength(1);
  });

  it("the starter cannot approve their own release (four-eyes) and nothing changes", async () => {
    const id = await gatedRelease("v4.1.1", "smb-us-2");
    await expect(
      audited(t.prisma, "release@cellplane.local", (tx) =>
        commandRelease(
          tx,
          id,
          { kind: "approve", wave: 0, by: "release@cellplane.local", comment: "me" },
          "release@cellplane.local",
          new Date(),
          1,
        ),
      ),
    ).rejects.toThrow(/four-eyes/);
    expect(await t.prisma.releaseApproval.count({ where: { releaseId: id } })).toBe(0);
  });

  it("a second active release of the same service is refused", async () => {
    await audited(t.prisma, "a", (tx) =>
      createRelease(tx, { pipelineId: "test", versions: { whatsapp: "v1.13.0" }, plan: [wave("w", ["smb-eu-1"])] }, "a", new Date()),
    );
    await expect(
      audited(t.prisma, "a", (tx) =>
        createRelease(tx, { pipelineId: "test", versions: { whatsapp: "v1.14.0" }, plan: [wave("w", ["smb-eu-2"])] }, "a", new Date()),
      ),
    ).rejects.toThrow(/still rolling whatsapp/);
  });

  it("two tickers racing for 200 passes apply every transition exactly once", async () => {
    const plan = [wave("canary", ["canary-us-internal"]), wave("smb", ["smb-us-3", "smb-us-4"]), wave("ent", ["enterprise-us-standard"])];
    const { id } = await audited(t.prisma, "a", (tx) =>
      createRelease(tx, { pipelineId: "test", versions: { video: "v1.9.0" }, plan }, "a", new Date()),
    );
    let running = true;
    const agent = (async () => {
      while (running) {
        await agentsReport("video");
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const ticker = async () => {
      for (let i = 0; i < 100; i++) {
        await tickRelease(t.prisma, id, new Date(), 1000);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    await Promise.all([ticker(), ticker()]);
    running = false;
    await agent;
    const rel = await t.prisma.release.findUnique({ where: { id } });
    expect(rel!.status).toBe("succeeded");
    const seen = (await transitions(id)).map((x) => `${x.after.wave}:${x.before.state}->${x.after.state}`);
    expect(seen.length).toBe(new Set(seen).size);
    expect(seen).toEqual([
      "canary:PENDING->DEPLOYING",
      "canary:DEPLOYING->BAKING",
      "canary:BAKING->VALIDATING",
      "canary:VALIDATING->PASSED",
      "smb:PENDING->DEPLOYING",
      "smb:DEPLOYING->BAKING",
      "smb:BAKING->VALIDATING",
      "smb:VALIDATING->PASSED",
      "ent:PENDING->DEPLOYING",
      "ent:DEPLOYING->BAKING",
      "ent:BAKING->VALIDATING",
      "ent:VALIDATING->PASSED",
    ]);
    expect(await t.prisma.auditEvent.count({ where: { action: "release.deploy", targetId: id } })).toBe(3);
    expect(await t.prisma.releaseCheckResult.count({ where: { releaseId: id } })).toBe(3);
  });

  it("a failing wave rolls back only its own cells", async () => {
    const plan = [wave("canary", ["canary-us-internal"]), wave("smb", ["smb-ap-1", "smb-ap-2"]), wave("ent", ["enterprise-eu-standard"])];
    const { id } = await audited(t.prisma, "a", (tx) =>
      createRelease(tx, { pipelineId: "test", versions: { voice: "v3.2.0" }, plan }, "a", new Date()),
    );
    for (let i = 0; i < 60; i++) {
      const rel = await t.prisma.release.findUnique({ where: { id } });
      if (rel!.status !== "running") break;
      const doc = rel!.doc as { current: number };
      const rows = await t.query<{ cell_id: string; desired_version: string }>(
        `SELECT cell_id, desired_version FROM cell_services WHERE service_id = 'voice'`,
      );
      // smb-ap-2 goes bad on the new version.
      await ingestSamples(
        pool,
        rows.map((r) => ({
          cell: r.cell_id,
          service: "voice",
          ts: new Date(),
          errorRate: r.cell_id === "smb-ap-2" && r.desired_version === "v3.2.0" ? 0.05 : 0.0001,
          p99Ms: 100,
          cpu: 0.2,
          rps: 5000,
          version: r.desired_version,
        })),
        DEFAULT_THRESHOLDS,
      );
      await tickRelease(t.prisma, id, new Date(), 1000);
      void doc;
      await new Promise((r) => setTimeout(r, 10));
    }
    const rel = await t.prisma.release.findUnique({ where: { id } });
    expect(rel!.status).toBe("rolled_back");
    const desired = Object.fromEntries(
      (
        await t.query<{ cell_id: string; desired_version: string }>(
          `SELECT cell_id, desired_version FROM cell_services WHERE service_id = 'voice'`,
        )
      ).map((r) => [r.cell_id, r.desired_version]),
    );
    expect(desired["canary-us-internal"]).toBe("v3.2.0");
    expect(desired["smb-ap-1"]).toBe("v3.1.2");
    expect(desired["smb-ap-2"]).toBe("v3.1.2");
    expect(desired["enterprise-eu-standard"]).toBe("v3.1.2");
    const failed = await t.prisma.releaseCheckResult.findFirst({ where: { releaseId: id, passed: false } });
    expect(failed).toMatchObject({ wave: 1, check: "error_rate < 0.1%", threshold: 0.001 });
    expect(failed!.measured).toBeCloseTo(0.05, 3);

    // The canary kept v3.2.0: rolling back the whole release sets it back. Two people at once → one transition.
    const cmd = { kind: "rollbackRelease" as const, by: "sre@x", reason: "v3.2.0 is bad everywhere" };
    const both = await Promise.allSettled([
      audited(t.prisma, "sre@x", (tx) => commandRelease(tx, id, cmd, "sre@x", new Date(), 1000)),
      audited(t.prisma, "sre@x", (tx) => commandRelease(tx, id, cmd, "sre@x", new Date(), 1000)),
    ]);
    expect(both.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((both.find((r) => r.status === "rejected") as PromiseRejectedResult).reason).toMatchObject({ code: "CONFLICT" });
    expect((await t.prisma.release.findUnique({ where: { id } }))!.status).toBe("rolling_back");
    const canary = await t.query<{ desired_version: string }>(
      `SELECT desired_version FROM cell_services WHERE service_id = 'voice' AND cell_id = 'canary-us-internal'`,
    );
    expect(canary[0]!.desired_version).toBe("v3.1.2");
    expect(await t.prisma.auditEvent.count({ where: { targetId: id, action: "release.rollback_whole" } })).toBe(1);
    // A release rolling back as a whole still holds its service.
    await expect(
      audited(t.prisma, "a", (tx) =>
        createRelease(
          tx,
          { pipelineId: "test", versions: { voice: "v3.3.0" }, plan: [wave("c", ["canary-us-internal"])] },
          "a",
          new Date(),
        ),
      ),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    await agentsReport("voice");
    await tickRelease(t.prisma, id, new Date(), 1000);
    const done = await t.prisma.release.findUnique({ where: { id } });
    expect(done!.status).toBe("rolled_back");
    expect((done!.doc as { endReason: string }).endReason).toContain("whole release rolled back by sre@x");
  });

  it("a worker killed with SIGKILL mid-wave is replaced and the release continues from its stored state", async () => {
    const plan = [wave("canary", ["canary-us-internal"], { bakeMs: 4000 }), wave("smb", ["smb-eu-3"], { bakeMs: 2000 })];
    const { id } = await audited(t.prisma, "a", (tx) =>
      createRelease(tx, { pipelineId: "test", versions: { sms: "v2.6.0" }, plan }, "a", new Date()),
    );
    const env = { ...process.env, DATABASE_URL: t.url, CELLPLANE_TIME_SCALE: "1", NODE_ENV: "development" as const };
    const startWorker = () => spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], { env, stdio: "ignore" });
    let running = true;
    const agent = (async () => {
      while (running) {
        await agentsReport("sms");
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const waitFor = async (pred: (doc: { current: number; waves: { state: string }[] }, status: string) => boolean, ms = 45_000) => {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        const r = await t.prisma.release.findUnique({ where: { id } });
        if (pred(r!.doc as never, r!.status)) return;
        await new Promise((res) => setTimeout(res, 100));
      }
      throw new Error("timed out");
    };
    let worker: ChildProcess = startWorker();
    try {
      await waitFor((d) => d.waves[0]!.state === "BAKING");
      worker.kill("SIGKILL");
      await new Promise((r) => worker.once("exit", r));
      const stored = await t.prisma.release.findUnique({ where: { id } });
      expect((stored!.doc as { waves: { state: string }[] }).waves[0]!.state).toBe("BAKING");
      worker = startWorker();
      await waitFor((_d, status) => status === "succeeded");
    } finally {
      running = false;
      await agent;
      worker.kill("SIGTERM");
    }
    const seen = (await transitions(id)).map((x) => `${x.after.wave}:${x.before.state}->${x.after.state}`);
    expect(seen.length).toBe(new Set(seen).size);
    expect(seen).toContain("canary:BAKING->VALIDATING");
  });
});
