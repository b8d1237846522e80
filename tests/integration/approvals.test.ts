// The approvals inbox against a real PostgreSQL seeded with the demo: release gates and migration
// steps from one query, decided through the existing one-door actions (four-eyes in the machines),
// and the ticker's stepper keeping one broken item from stopping the others.
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { approveMigrationAction, rejectMigrationAction } from "@/app/(dashboard)/migrations/actions";
import { approveAction } from "@/app/(dashboard)/releases/actions";
import { approvalCounts, approvalsInbox } from "@/lib/approvals/server/queries";
import { audited } from "@/lib/audit/server/record";
import type { Principal } from "@/lib/auth/roles";
import { seedDemo } from "@/lib/fleet/server/seed";
import { rolloutJobs } from "@/lib/rollouts/server/jobs";
import { commandRelease, createRelease, tickRelease } from "@/lib/rollouts/server/release-store";
import { seedPipelines } from "@/lib/rollouts/server/seed";
import { importManifest, startRun } from "@/lib/schema-migrations/server/store";
import { expandPhase, migrationYaml } from "../support/yaml-fixtures";
import { testWave } from "../support/waves";
import { freshDatabase, type TestDatabase } from "../support/db";

const ROOT = path.resolve(import.meta.dirname, "../..");
let t: TestDatabase;
const users = new Map<string, Principal>();
const as = (email: string) => users.get(email)!;

beforeAll(async () => {
  t = await freshDatabase("approvals");
  await seedDemo(t.prisma, "cellplane", ROOT);
  await seedPipelines(t.prisma, ROOT);
  for (const u of await t.prisma.user.findMany()) users.set(u.email, { id: u.id, email: u.email, name: u.name, role: u.role });
});
afterAll(() => t.drop());

afterEach(async () => {
  for (const r of await t.prisma.release.findMany({ where: { status: { in: ["running", "awaiting_approval", "paused"] } } }))
    await audited(t.prisma, "test", (tx) =>
      commandRelease(tx, r.id, { kind: "abort", by: "test", reason: "test done" }, "test", new Date(), 1),
    );
});

let n = 0;
/** A release by release@ of `service`, stopped at a gate before its first wave since `at`. */
async function gatedRelease(service: string, at: Date) {
  const { id } = await audited(t.prisma, "release@cellplane.local", (tx) =>
    createRelease(
      tx,
      {
        pipelineId: "standard",
        versions: { [service]: `v7.${++n}.0` },
        plan: [testWave("enterprise", ["enterprise-us-hipaa"], { requiresApproval: true })],
      },
      "release@cellplane.local",
      at,
    ),
  );
  await tickRelease(t.prisma, id, at, 1);
  return id;
}

/** A migration by release@ whose first step, on the enterprise cells, waits for approval since `at`. */
async function gatedMigration(at: Date) {
  const id = `approvals-${Date.now().toString(36)}-${++n}`;
  const text = migrationYaml(id, [expandPhase([{ cells: ["enterprise-*"], requiresApproval: true }, { cells: ["canary-*", "smb-*"] }])]);
  await audited(t.prisma, "release@cellplane.local", (tx) => importManifest(tx, text, "release@cellplane.local", ROOT, at));
  await audited(t.prisma, "release@cellplane.local", (tx) => startRun(tx, id, "release@cellplane.local", at, 1));
  return id;
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

describe("the approvals inbox", () => {
  it("lists release gates and migration steps from one query, oldest first, with their enterprise customers; per viewer, who may decide", async () => {
    const migration = await gatedMigration(minutesAgo(10));
    const release = await gatedRelease("email", minutesAgo(5));

    const inbox = await approvalsInbox(as("release2@cellplane.local"), new Date(), t.prisma);
    const ours = inbox.gates.filter((g) => [migration, release].includes(g.subject.id));
    expect(ours.map((g) => [g.kind, g.subject.id])).toEqual([
      ["migration", migration],
      ["release", release],
    ]);
    for (const g of ours) {
      expect(g).toMatchObject({ decidable: true, whyNot: null, requestedBy: "release@cellplane.local" });
      expect(g.customers.enterprise.map((c) => c.name)).toContain("Mercy General Hospital");
    }
    expect(ours[0]!.cells).toEqual(["enterprise-eu-standard", "enterprise-us-hipaa", "enterprise-us-standard"]);
    expect(await approvalCounts(as("release2@cellplane.local"), t.prisma)).toEqual({ waiting: inbox.waiting, yours: inbox.yours });

    const starter = await approvalsInbox(as("release@cellplane.local"), new Date(), t.prisma);
    expect(starter.gates.filter((g) => [migration, release].includes(g.subject.id)).map((g) => g.whyNot)).toEqual([
      "Four-eyes: you started this migration, so another release manager must decide this step.",
      "Four-eyes: you started this release, so another release manager must decide this gate.",
    ]);
    const sre = await approvalsInbox(as("sre@cellplane.local"), new Date(), t.prisma);
    expect(sre.yours).toBe(0);
    expect(sre.waiting).toBe(inbox.waiting);
  });

  it("a migration step decided from the inbox: the starter is refused by four-eyes, four concurrent decisions make one, the gate leaves", async () => {
    const id = await gatedMigration(new Date());
    const decision = { id, phase: 0, step: 0, comment: "not this week" };

    const own = await approveMigrationAction.runAs(as("release@cellplane.local"), decision, { db: t.prisma });
    expect(own).toMatchObject({ ok: false, code: "PRECONDITION", message: expect.stringMatching(/^four-eyes/) });
    expect(await t.prisma.migrationApproval.count({ where: { runId: id } })).toBe(0);

    const results = await Promise.all(
      Array.from({ length: 4 }, () => rejectMigrationAction.runAs(as("release2@cellplane.local"), decision, { db: t.prisma })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.code)).toEqual(["CONFLICT", "CONFLICT", "CONFLICT"]);
    expect(await t.prisma.migrationApproval.findMany({ where: { runId: id }, select: { decision: true, decidedBy: true } })).toEqual([
      { decision: "reject", decidedBy: "release2@cellplane.local" },
    ]);
    const inbox = await approvalsInbox(as("release2@cellplane.local"), new Date(), t.prisma);
    expect(inbox.gates.map((g) => g.subject.id)).not.toContain(id);
  });

  it("a release gate approved through the action records one decision and deploys at once", async () => {
    const id = await gatedRelease("whatsapp", new Date());
    const r = await approveAction.runAs(as("admin@cellplane.local"), { id, wave: 0, comment: "CAB-1 approved" }, { db: t.prisma });
    expect(r).toMatchObject({ ok: true, data: { after: { status: "running", state: "DEPLOYING" } } });
    expect(await t.prisma.releaseApproval.count({ where: { releaseId: id } })).toBe(1);
    const inbox = await approvalsInbox(as("release2@cellplane.local"), new Date(), t.prisma);
    expect(inbox.gates.map((g) => g.subject.id)).not.toContain(id);
  });
});

describe("the ticker's stepper", () => {
  it("isolates items: a release whose stored document is broken is logged and the releases after it still advance", async () => {
    const broken = await gatedRelease("video", minutesAgo(2));
    const { id: healthy } = await audited(t.prisma, "release@cellplane.local", (tx) =>
      createRelease(
        tx,
        { pipelineId: "standard", versions: { voice: `v7.${++n}.0` }, plan: [testWave("canary", ["canary-us-internal"])] },
        "release@cellplane.local",
        minutesAgo(1),
      ),
    );
    await t.query(`UPDATE releases SET status = 'running', doc = '{"status": "running"}' WHERE id = $1`, [broken]);
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      await rolloutJobs
        .find((j) => j.name === "rollouts.advance")!
        .run({ db: t.prisma, now: new Date(), timeScale: 1, databaseUrl: t.url });
      expect(errors.mock.calls.map((c) => String(c[0]))).toContainEqual(expect.stringContaining(`[ticker] release ${broken}:`));
    } finally {
      errors.mockRestore();
    }
    const after = await t.prisma.release.findUnique({ where: { id: healthy } });
    expect((after!.doc as { waves: { state: string }[] }).waves[0]!.state).toBe("DEPLOYING");
    await t.query(`UPDATE releases SET status = 'aborted' WHERE id = $1`, [broken]);
  });
});
