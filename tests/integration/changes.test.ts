// The change log on a real PostgreSQL: every change made through the door is recorded in its own
// transaction, observed versions and migration phases by the database itself, time passing by the
// projector (once); "what changed?" ranks them; the blast radius of a change warns of what is in
// flight and the confirming click is refused when it did not see a warning.
import { DateTime } from "luxon";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setRolloutPercentage } from "@/app/(dashboard)/flags/actions";
import { startReleaseAction } from "@/app/(dashboard)/releases/actions";
import { audited } from "@/lib/audit/server/record";
import type { Principal } from "@/lib/auth/roles";
import { confirmBlastRadius, loadBlastRadius } from "@/lib/changes/server/blast-radius";
import { projectTime } from "@/lib/changes/server/projector";
import { NO_FILTER, poolSql, selectChanges, whatChanged } from "@/lib/changes/server/read";
import { seedDemo } from "@/lib/fleet/server/seed";
import { seedDemoFlags } from "@/lib/flags/server/seed";
import { getFlag, updateFlag } from "@/lib/flags/server/store";
import { ingestSamples } from "@/lib/health/server/store";
import { DEFAULT_THRESHOLDS } from "@/lib/health/thresholds";
import type { WavePlan } from "@/lib/rollouts/engine";
import { commandRelease, createRelease, stepRelease } from "@/lib/rollouts/server/release-store";
import { seedPipelines } from "@/lib/rollouts/server/seed";
import { addWindow, createFreeze } from "@/lib/settings/server/store";
import { testWave } from "../support/waves";
import { freshDatabase, type TestDatabase } from "../support/db";

let t: TestDatabase;
let pool: pg.Pool;
const users = new Map<string, Principal>();
const DAY = 86_400_000;
const SEEDED = new Date(Date.now() - 3_600_000);

beforeAll(async () => {
  t = await freshDatabase("changes");
  await seedDemo(t.prisma, "cellplane");
  await seedPipelines(t.prisma);
  await seedDemoFlags(t.prisma, SEEDED);
  pool = new pg.Pool({ connectionString: t.url, max: 3 });
  for (const u of await t.prisma.user.findMany()) users.set(u.email, { id: u.id, email: u.email, name: u.name, role: u.role });
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

const sql = () => poolSql(pool);
const changes = async (where: string, params: unknown[] = []) =>
  t.query<{ kind: string; cell_id: string | null; services: string[]; summary: string; actor: string; source: string; tx: string }>(
    `SELECT kind, cell_id, services, summary, actor, source, xmin::text AS tx FROM change_events WHERE ${where} ORDER BY cell_id, id`,
    params,
  );
const activeCells = async () =>
  (await t.prisma.cell.findMany({ where: { status: { not: "retired" } }, orderBy: { id: "asc" } })).map((c) => c.id);

const wave = (cells: string[]) => testWave("canary", cells);

describe("changes made through the door", () => {
  it("the demo seed's flags are changes on the cells they reach (an allowlisted customer's home cell)", async () => {
    const rows = await changes(`kind = 'flag' AND summary LIKE 'flag newVoiceCodec%'`);
    expect(rows.map((r) => r.cell_id)).toEqual(["enterprise-us-hipaa"]);
    expect(rows[0]!.summary).toBe("flag newVoiceCodec: allowlisted customers here 0 → 1");
  });

  it("a product owner's percentage change is one change per cell, in the transaction of its audit event", async () => {
    const f = (await getFlag(t.prisma, "newVoiceCodec"))!;
    const r = await setRolloutPercentage.runAs(
      users.get("product@cellplane.local")!,
      { key: f.key, version: f.version, percentage: 37 },
      { db: t.prisma },
    );
    expect(r).toMatchObject({ ok: true });
    const [audit] = await t.query<{ id: string; tx: string }>(
      `SELECT id::text, xmin::text AS tx FROM audit_events WHERE action = 'flag.percentage' ORDER BY id DESC LIMIT 1`,
    );
    const rows = await changes(`source = $1`, [`audit:${audit!.id}`]);
    expect(rows.map((r) => r.cell_id)).toEqual(await activeCells());
    expect(new Set(rows.map((r) => r.tx))).toEqual(new Set([audit!.tx]));
    expect(rows.every((r) => r.actor === "product@cellplane.local" && r.kind === "flag")).toBe(true);
    expect(rows.find((r) => r.cell_id === "smb-us-1")!.summary).toBe("flag newVoiceCodec: 0% → 37% in force here");
  });

  it("an edit that changes no cell's state records no change (details, a future schedule step)", async () => {
    const before = await t.query(`SELECT count(*)::int AS n FROM change_events`);
    const f = (await getFlag(t.prisma, "newVoiceCodec"))!;
    await audited(t.prisma, "product@cellplane.local", (tx) =>
      updateFlag(tx, f.key, f.version, { description: "renamed" }, "details", new Date()),
    );
    expect(await t.query(`SELECT count(*)::int AS n FROM change_events`)).toEqual(before);
  });

  it("a release deploy is a change per cell with the version running before; the version reported running is a change too", async () => {
    const { id } = await audited(t.prisma, "release@cellplane.local", (tx) =>
      createRelease(
        tx,
        { pipelineId: "standard", versions: { email: "v9.0.1" }, plan: [wave(["smb-us-1", "smb-us-2"])] },
        "release@cellplane.local",
        new Date(),
      ),
    );
    await audited(t.prisma, "system:ticker", (tx) => stepRelease(tx, id, new Date(), 1));
    const deploys = await changes(`kind = 'deploy' AND link = $1`, [`/releases/${id}`]);
    expect(deploys.map((r) => [r.cell_id, r.services, r.actor])).toEqual([
      ["smb-us-1", ["email"], "system:ticker"],
      ["smb-us-2", ["email"], "system:ticker"],
    ]);
    expect(deploys[0]!.summary).toBe(`email → v9.0.1 (release ${id}, wave canary)`);

    await ingestSamples(
      pool,
      [{ cell: "smb-us-1", service: "email", ts: new Date(), errorRate: 0, p99Ms: 100, cpu: 0.1, rps: 1, version: "v9.0.1" }],
      DEFAULT_THRESHOLDS,
    );
    const observed = await changes(`kind = 'version' AND cell_id = 'smb-us-1' AND 'email' = ANY(services)`);
    expect(observed.map((r) => r.summary)).toEqual([expect.stringMatching(/^email .+ → v9\.0\.1 now running$/)]);
    expect(observed[0]!.actor).toBe("cell:smb-us-1");

    await audited(t.prisma, "sre@cellplane.local", (tx) =>
      commandRelease(tx, id, { kind: "rollback", by: "sre@cellplane.local", reason: "errors" }, "sre@cellplane.local", new Date(), 1),
    );
    const rolled = await changes(`kind = 'rollback' AND link = $1`, [`/releases/${id}`]);
    expect(rolled.length).toBeGreaterThan(0);
    expect(rolled.every((r) => r.actor === "sre@cellplane.local")).toBe(true);
  });
});

describe("changes nobody clicked: the projector", () => {
  it("a scheduled step passing is one change per affected cell, recorded once however often the projector runs", async () => {
    // whatsappRichMedia: smb cells in eu-west-1 / eu-central-1 at 50%, a step to 100% three days after the seed.
    const due = new Date(SEEDED.getTime() + 3 * DAY);
    await projectTime(t.prisma, new Date(due.getTime() - 1_000)); // first pass: the watermark
    await projectTime(t.prisma, new Date(due.getTime() - 500));
    expect(await changes(`source LIKE 'schedule:whatsappRichMedia%'`)).toEqual([]);
    await projectTime(t.prisma, new Date(due.getTime() + 500));
    await projectTime(t.prisma, new Date(due.getTime() + 1_000));
    const rows = await changes(`source LIKE 'schedule:whatsappRichMedia%'`);
    const cells = await t.prisma.cell.findMany({ where: { tier: "smb", region: { in: ["eu-west-1", "eu-central-1"] }, status: "active" } });
    expect(rows.map((r) => r.cell_id)).toEqual(cells.map((c) => c.id).sort());
    expect(
      rows.every((r) => r.actor === "system:clock" && r.summary === "flag whatsappRichMedia (scheduled step): 50% → 100% in force here"),
    ).toBe(true);
  });

  it("a freeze planned ahead starts and ends as time passes; a maintenance window opens and closes per cell", async () => {
    const now = Date.now() + 10 * DAY;
    const { id } = await audited(t.prisma, "admin@cellplane.local", (tx) =>
      createFreeze(tx, { startsAt: new Date(now + 60_000), endsAt: new Date(now + 120_000), reason: "year-end" }, "admin@cellplane.local"),
    );
    expect(await changes(`kind = 'freeze' AND summary LIKE 'freeze planned%'`)).toHaveLength(1);
    await projectTime(t.prisma, new Date(now));
    await projectTime(t.prisma, new Date(now + 90_000));
    await projectTime(t.prisma, new Date(now + 150_000));
    const freeze = await changes(`source LIKE $1`, [`freeze:${id}:%`]);
    expect(freeze.map((r) => [r.cell_id, r.source])).toEqual([
      [null, `freeze:${id}:start`],
      [null, `freeze:${id}:end`],
    ]);

    // A weekly hour in smb-us-1's local time (us-east-1: New York), two days from `now`.
    const local = DateTime.fromMillis(now + 2 * DAY, { zone: "America/New_York" });
    await audited(t.prisma, "admin@cellplane.local", (tx) =>
      addWindow(
        tx,
        { scope: "smb-us-1", weekday: local.weekday, start: local.toFormat("HH:mm"), durationMin: 60 },
        "admin@cellplane.local",
      ),
    );
    expect(await changes(`kind = 'maintenance' AND summary LIKE 'maintenance window added%'`)).toHaveLength(1);
    await projectTime(t.prisma, new Date(now + 3 * DAY));
    await projectTime(t.prisma, new Date(now + 3 * DAY + 1_000));
    const window = await changes(`kind = 'maintenance' AND actor = 'system:clock'`);
    expect(window.map((r) => [r.cell_id, r.summary.split(" (")[0]])).toEqual([
      ["smb-us-1", "maintenance window opened"],
      ["smb-us-1", "maintenance window closed"],
    ]);
  });

  it("a migration phase moving on a cell is a change on it, whoever moved it", async () => {
    await t.query(
      `INSERT INTO schema_migration_runs (id, source, spec, doc, status, imported_by) VALUES ('m-test', '', '{}', '{}', 'running', 'test')`,
    );
    await t.query(`INSERT INTO migration_cells (run_id, cell_id, phase) VALUES ('m-test', 'smb-us-1', 'expand')`);
    await t.query(`UPDATE migration_cells SET status = 'running', started_at = now() WHERE run_id = 'm-test'`);
    await t.query(`UPDATE migration_cells SET rows_done = 10 WHERE run_id = 'm-test'`); // progress is not a change
    await t.query(`UPDATE migration_cells SET status = 'complete', finished_at = now() WHERE run_id = 'm-test'`);
    expect((await changes(`kind = 'migration'`)).map((r) => [r.cell_id, r.summary])).toEqual([
      ["smb-us-1", "migration m-test: expand started"],
      ["smb-us-1", "migration m-test: expand finished"],
    ]);
  });
});

describe("what changed?", () => {
  it("before an alert on a cell's service: the version change there first, then flags, then the rest", async () => {
    const start = new Date(Date.now() + 1_000);
    const ranked = await whatChanged(sql(), { cells: ["smb-us-1"], services: ["email"] }, start, 60);
    expect(ranked.length).toBeGreaterThan(3);
    expect(ranked[0]!.class).toBe("version");
    expect(ranked[0]!.change.cell).toBe("smb-us-1");
    const classes = ranked.filter((r) => r.sameCellAndService).map((r) => r.class);
    expect(classes).toEqual([...classes].sort((a, b) => ["version", "flag", "other"].indexOf(a) - ["version", "flag", "other"].indexOf(b)));
    expect(ranked.some((r) => r.change.cell === "smb-us-1" && r.change.kind === "flag")).toBe(true);
  });

  it("reads only its window", async () => {
    const { changes: all } = await selectChanges(sql(), { ...NO_FILTER, cells: ["smb-us-1"], limit: 500 });
    const oldest = all[all.length - 1]!.at;
    expect(await whatChanged(sql(), { cells: ["smb-us-1"], services: [] }, new Date(oldest.getTime() - 1), 30)).toEqual([]);
  });
});

describe("a failed wave's notification", () => {
  it("carries what changed on its cells before it failed, the version change first", async () => {
    const plan: WavePlan[] = [
      {
        ...wave(["smb-ap-2"]),
        bakeMs: 1_000,
        notify: "https://hooks.example/releases",
        checks: [{ kind: "error_rate", max: 0.001, source: "error_rate < 0.1%" }],
      },
    ];
    const { id } = await audited(t.prisma, "release@cellplane.local", (tx) =>
      createRelease(tx, { pipelineId: "standard", versions: { video: "v9.7.0" }, plan }, "release@cellplane.local", new Date()),
    );
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) {
      const now = new Date(t0 + i * 1_000);
      const rel = await t.prisma.release.findUnique({ where: { id } });
      if (rel!.status !== "running") break;
      const [row] = await t.query<{ desired_version: string }>(
        `SELECT desired_version FROM cell_services WHERE cell_id = 'smb-ap-2' AND service_id = 'video'`,
      );
      // The cell runs what it is told, and the new version fails there.
      await ingestSamples(
        pool,
        [
          {
            cell: "smb-ap-2",
            service: "video",
            ts: now,
            errorRate: row!.desired_version === "v9.7.0" ? 0.05 : 0.0001,
            p99Ms: 100,
            cpu: 0.2,
            rps: 5,
            version: row!.desired_version,
          },
        ],
        DEFAULT_THRESHOLDS,
      );
      await audited(t.prisma, "system:ticker", (tx) => stepRelease(tx, id, now, 1));
    }
    expect((await t.prisma.release.findUnique({ where: { id } }))!.status).toBe("rolled_back");
    const note = await t.prisma.delivery.findFirst({ where: { releaseId: id, event: "wave_failed" } });
    const payload = note!.payload as { text: string; changes: { kind: string; cell: string; summary: string; why: string }[] };
    expect(payload.text).toContain("What changed in the 30 min before");
    expect(payload.text).toContain("1. ");
    expect(payload.changes[0]).toMatchObject({ cell: "smb-ap-2", why: "same cell and service · version change" });
    expect(["deploy", "version"]).toContain(payload.changes[0]!.kind);
    expect(payload.changes.some((c) => c.kind === "version" && c.summary.includes("v9.7.0 now running"))).toBe(true);
  });
});

describe("blast radius before a change", () => {
  it("a second release on the same cells warns that one is in flight, and the click that did not see it is refused", async () => {
    const active = await t.prisma.release.findMany({ where: { status: { in: ["running", "awaiting_approval", "paused"] } } });
    for (const r of active)
      await audited(t.prisma, "test", (tx) =>
        commandRelease(tx, r.id, { kind: "abort", by: "test", reason: "clean" }, "test", new Date(), 1),
      );
    const release = users.get("release@cellplane.local")!;
    const first = await startReleaseAction.runAs(release, { pipeline: "standard", service: "sms", version: "v2.6.0" }, { db: t.prisma });
    expect(first).toMatchObject({ ok: true });
    const firstId = (first as { data: { id: string } }).data.id;

    const target = { kind: "release" as const, pipeline: "standard", versions: { voice: "v3.2.0" } };
    const radius = await loadBlastRadius(t.prisma, target, new Date());
    expect(radius.cells).toEqual(await activeCells());
    expect(radius.customers.enterprise.map((c) => c.name)).toContain("Mercy General Hospital");
    const warning = radius.warnings.find((w) => w.key === `release:${firstId}`);
    expect(warning?.message).toContain("is already in flight on");

    // The click that saw nothing is refused and changes nothing.
    const blind = await startReleaseAction.runAs(
      release,
      { pipeline: "standard", service: "voice", version: "v3.2.0", seenWarnings: "[]" },
      { db: t.prisma },
    );
    expect(blind).toMatchObject({ ok: false, code: "PRECONDITION" });
    expect(await t.prisma.release.count({ where: { title: { contains: "voice v3.2.0" } } })).toBe(0);

    // The click that saw the warning starts it, and the audit log says what it was shown.
    const seen = JSON.stringify(radius.warnings.map((w) => w.key));
    const ok = await startReleaseAction.runAs(
      release,
      { pipeline: "standard", service: "voice", version: "v3.2.0", seenWarnings: seen },
      { db: t.prisma },
    );
    expect(ok).toMatchObject({ ok: true });
    const [event] = await t.query<{ after: { warningsShown: { key: string }[]; cells: number }; tx: string }>(
      `SELECT after, xmin::text AS tx FROM audit_events WHERE action = 'blast_radius.confirm' ORDER BY id DESC LIMIT 1`,
    );
    expect(event!.after.warningsShown.map((w) => w.key)).toContain(`release:${firstId}`);
    expect(event!.after.cells).toBe(radius.cells.length);
    const [start] = await t.query<{ tx: string }>(
      `SELECT xmin::text AS tx FROM audit_events WHERE action = 'release.start' ORDER BY id DESC LIMIT 1`,
    );
    expect(start!.tx).toBe(event!.tx);
  });

  it("without a preview (the HTTP API, the CLI) nothing is checked or recorded", async () => {
    const recorded = await t.prisma.$transaction((tx) =>
      confirmBlastRadius(tx, { kind: "flag", key: "newVoiceCodec", percentage: 50 }, undefined, new Date()),
    );
    expect(recorded).toEqual([]);
  });

  it("a flag's new percentage reaches the cells whose state changes and the customers whose answer changes", async () => {
    const radius = await loadBlastRadius(t.prisma, { kind: "flag", key: "newVoiceCodec", percentage: 60 }, new Date());
    expect(radius.cells).toEqual(await activeCells());
    expect(radius.customers.total).toBeGreaterThan(0);
    expect(radius.warnings.filter((w) => w.kind === "ramp").map((w) => w.key)).not.toContain("ramp:newVoiceCodec");
  });
});
