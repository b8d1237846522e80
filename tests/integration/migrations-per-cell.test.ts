// Per-cell migrations on the demo's cell databases (one PostgreSQL database per cell, direct mode):
// a failure in one cell stops only that cell, a cell's contract waits until its backfill is verified
// in its own database, and a cell whose schema drifted is held before its next phase. The ticker is
// played by hand (tickRun, then runDirectPass) with a clock that moves 30 minutes per pass.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audited } from "@/lib/audit/server/record";
import { seedDemo } from "@/lib/fleet/server/seed";
import { seedPipelines } from "@/lib/rollouts/server/seed";
import type { Command, RunState } from "@/lib/schema-migrations/machine";
import { closeCellPools, runDirectPass } from "@/lib/schema-migrations/server/runner";
import { cellDatabaseName, seedCellDatabases } from "@/lib/schema-migrations/server/seed";
import { commandRun, importManifest, loadRun, startRun, tickRun } from "@/lib/schema-migrations/server/store";
import { summarize } from "@/lib/schema-migrations/summary";
import { freshDatabase, type TestDatabase } from "../support/db";
import { backfillPhase, canarySmbEnterprise, contractPhase, expandPhase, migrationYaml } from "../support/yaml-fixtures";

const ROOT = path.resolve(import.meta.dirname, "../..");
const STARTER = "release@cellplane.local";
const APPROVER = "release2@cellplane.local";
const ROWS = 2500;
let t: TestDatabase;
let prefix: string;
let cellIds: string[];
const cellClients = new Map<string, pg.Client>();

beforeAll(async () => {
  t = await freshDatabase("migrations_cells");
  await seedDemo(t.prisma, "cellplane", ROOT);
  await seedPipelines(t.prisma, ROOT);
  prefix = `${t.name}_cell`;
  await seedCellDatabases(t.prisma, t.url, { rows: () => ROWS, prefix });
  cellIds = (await t.prisma.cellDatabase.findMany({ select: { cellId: true }, orderBy: { cellId: "asc" } })).map((c) => c.cellId);
}, 180_000);

afterAll(async () => {
  await closeCellPools();
  for (const c of cellClients.values()) await c.end().catch(() => {});
  const admin = new pg.Client({ connectionString: t.url });
  await admin.connect();
  for (const id of cellIds ?? []) await admin.query(`DROP DATABASE IF EXISTS "${cellDatabaseName(id, prefix)}" WITH (FORCE)`);
  await admin.end();
  await t.drop();
});

/** A client on a cell's own database (kept for the file). */
async function cellDb(cell: string): Promise<pg.Client> {
  let c = cellClients.get(cell);
  if (!c) {
    const { url } = await t.prisma.cellDatabase.findUniqueOrThrow({ where: { cellId: cell } });
    c = new pg.Client({ connectionString: url });
    await c.connect();
    cellClients.set(cell, c);
  }
  return c;
}

const columns = async (cell: string) =>
  (
    await (
      await cellDb(cell)
    ).query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'messages' ORDER BY column_name",
    )
  ).rows.map((r) => r.column_name);

async function start(text: string, root = ROOT) {
  const { spec } = await audited(t.prisma, STARTER, (tx) => importManifest(tx, text, STARTER, root, new Date()));
  await audited(t.prisma, STARTER, (tx) => startRun(tx, spec.id, STARTER, new Date(), 1));
  return spec.id;
}

const state = async (id: string): Promise<RunState> => (await loadRun(t.prisma, id))!.state;
const status = (s: RunState, cell: string, phase: string) => s.cells[cell]?.[phase]?.status;
const remaining = (s: RunState, cell: string, phase: string) =>
  (s.cells[cell]?.[phase] as { remaining?: number | null } | undefined)?.remaining;

/** release2@ approves whatever step waits (typing the id where asked). */
async function approveWaiting(id: string, s: RunState, now: Date) {
  for (const [i, p] of s.doc.phases.entries())
    for (const [k, step] of p.steps.entries())
      if (step.state === "awaiting_approval")
        await audited(t.prisma, APPROVER, (tx) =>
          commandRun(tx, id, { kind: "approve", phase: i, step: k, by: APPROVER, comment: "looks right", confirm: id }, APPROVER, now),
        );
}

/** Play the ticker: every pass moves the clock (30 min), steps the run, then runs direct-mode work; `hook` after each pass. */
async function play(
  id: string,
  clock: { now: Date },
  until: (s: RunState) => boolean,
  hook?: (s: RunState) => Promise<void>,
  stepMs = 30 * 60_000,
) {
  for (let i = 0; i < 400; i++) {
    clock.now = new Date(clock.now.getTime() + stepMs);
    await tickRun(t.prisma, id, clock.now);
    await runDirectPass(t.prisma, () => clock.now);
    const s = await state(id);
    if (until(s)) return s;
    await approveWaiting(id, s, clock.now);
    await hook?.(s);
  }
  throw new Error(`the run never reached the expected state: ${summarize(await state(id), clock.now).line}`);
}

/**
 * Starts a run that adds a text column to every cell's messages at once, then backfills it with `value`
 * (16 cells in parallel), from a project folder of its own holding the two scripts (the test removes it).
 */
async function startColumnBackfill(
  id: string,
  column: string,
  value: string,
  backfill: { checkpointInterval: number; maxRowsPerSecond?: number },
) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `cellplane-${id}-`));
  const scripts = path.join(root, "examples", "migrations");
  fs.mkdirSync(scripts, { recursive: true });
  fs.writeFileSync(path.join(scripts, `add_${column}.sql`), `ALTER TABLE messages ADD COLUMN ${column} TEXT;\n`);
  fs.writeFileSync(
    path.join(scripts, `backfill_${column}.sql`),
    `-- cellplane: table=messages key=id\nUPDATE messages SET ${column} = ${value} WHERE id > $1 AND id <= $2 AND ${column} IS NULL\n`,
  );
  const manifest = migrationYaml(id, [
    expandPhase([{ cells: ["*"] }], `migrations/add_${column}.sql`),
    backfillPhase(16, { script: `migrations/backfill_${column}.sql`, ...backfill }),
  ]);
  return { id: await start(manifest, root), root };
}

describe("per-cell migrations on the cells' own databases", () => {
  it("one cell's backfill fails on its own database: the other 15 finish through contract, it stays expanded, then is retried to completion", async () => {
    const id = await start(
      migrationYaml("isolated-failure", [
        expandPhase(canarySmbEnterprise("1h", "1h")),
        backfillPhase(3, { checkpointInterval: 1000 }),
        contractPhase(canarySmbEnterprise("1h", "1h")),
      ]),
    );
    const FAILS = "smb-us-3"; // a check constraint in its database refuses the backfill
    const LATE = "smb-eu-2"; // a row without recipient_id appears after its backfill was verified
    const others = cellIds.filter((c) => c !== FAILS && c !== LATE);
    const clock = { now: new Date("2026-03-01T08:00:00Z") };
    let constrained = false;
    let inserted = false;
    let s = await play(
      id,
      clock,
      (x) =>
        others.every((c) => status(x, c, "contract") === "complete") &&
        status(x, FAILS, "backfill") === "failed" &&
        remaining(x, LATE, "backfill") === 1,
      async (x) => {
        if (!constrained && status(x, FAILS, "expand") === "complete") {
          await (await cellDb(FAILS)).query(
            "ALTER TABLE messages ADD CONSTRAINT recipient_id_format CHECK (recipient_id IS NULL OR recipient_id LIKE 'tel:%')",
          );
          constrained = true;
        }
        if (!inserted && status(x, LATE, "backfill") === "complete" && remaining(x, LATE, "backfill") === 0) {
          await (await cellDb(LATE)).query("INSERT INTO messages (to_phone, from_phone, body) VALUES ('+15559999999', '+1444', 'late')");
          inserted = true;
        }
      },
    );
    // The failed cell stays expanded: the new column, the old one kept, the error shown.
    expect(status(s, FAILS, "expand")).toBe("complete");
    expect(s.cells[FAILS]!.backfill!.error).toMatch(/recipient_id_format/);
    expect(status(s, FAILS, "contract")).toBe("pending");
    expect(await columns(FAILS)).toEqual(expect.arrayContaining(["recipient_id", "to_phone"]));
    // The late row holds its cell's contract back, and the summary says why.
    expect(status(s, LATE, "contract")).toBe("pending");
    expect(await columns(LATE)).toContain("to_phone");
    expect(summarize(s, clock.now).line).toMatch(/smb-eu-2[^·]*1 row still to backfill/);
    for (const c of others) {
      expect(await columns(c), c).not.toContain("to_phone");
      const { rows } = await (await cellDb(c)).query<{ n: number }>("SELECT count(*)::int AS n FROM messages WHERE recipient_id IS NULL");
      expect(rows[0]!.n, c).toBe(0);
    }

    // The late row gets its value: verified again, the cell contracts on its own.
    await (await cellDb(LATE)).query("UPDATE messages SET recipient_id = to_phone WHERE recipient_id IS NULL");
    s = await play(id, clock, (x) => status(x, LATE, "contract") === "complete");
    expect(await columns(LATE)).not.toContain("to_phone");
    s = await play(id, clock, (x) => x.doc.status === "failed");
    expect(s.doc.endReason ?? "").toContain(FAILS);

    // The constraint is fixed in that cell; the cell is retried and finishes, from its checkpoint.
    await (await cellDb(FAILS)).query("ALTER TABLE messages DROP CONSTRAINT recipient_id_format");
    await audited(t.prisma, STARTER, (tx) =>
      commandRun(tx, id, { kind: "retry", by: STARTER, cell: FAILS } as unknown as Command, STARTER, clock.now),
    );
    s = await play(id, clock, (x) => x.doc.status === "succeeded");
    expect(await columns(FAILS)).not.toContain("to_phone");
    expect(s.cells[FAILS]!.backfill!.rowsDone).toBe(ROWS);
    const retried = await t.prisma.auditEvent.findMany({ where: { targetId: id, action: "migration.retry" } });
    expect(retried).toHaveLength(1);
    expect(JSON.stringify(retried[0]!.after)).toContain(FAILS);
  });

  it("a cell whose schema drifted (a column dropped by hand) is flagged and held before its next phase, until it is put right", async () => {
    const { id, root } = await startColumnBackfill("drift-check", "sender_id", "from_phone", { checkpointInterval: 5000 });
    const DRIFTS = "smb-us-1";
    const clock = { now: new Date("2026-04-01T08:00:00Z") };
    let dropped = false;
    // The moment its expand is done, someone drops the new column by hand.
    let s = await play(
      id,
      clock,
      (x) => dropped && cellIds.filter((c) => c !== DRIFTS).every((c) => status(x, c, "backfill") === "complete"),
      async (x) => {
        if (!dropped && status(x, DRIFTS, "expand") === "complete") {
          await (await cellDb(DRIFTS)).query("ALTER TABLE messages DROP COLUMN sender_id");
          dropped = true;
        }
      },
    );
    expect(status(s, DRIFTS, "backfill")).toBe("pending");
    const [check] = await t.query<{ drift: string | null }>(
      "SELECT drift FROM migration_schema_checks WHERE run_id = $1 AND cell_id = $2",
      [id, DRIFTS],
    );
    expect(check!.drift).toMatch(/sender_id missing/);
    expect(summarize(s, clock.now).line).toMatch(/smb-us-1[^·]*sender_id missing/);
    // Put right: the next check clears it and the cell backfills.
    await (await cellDb(DRIFTS)).query("ALTER TABLE messages ADD COLUMN sender_id TEXT");
    s = await play(id, clock, (x) => x.doc.status === "succeeded");
    expect(status(s, DRIFTS, "backfill")).toBe("complete");
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("a backfill keeps each cell under max_rows_per_second, and pauses on a cell that is red in Fleet health until it recovers", async () => {
    const { id, root } = await startColumnBackfill("throttle-health", "note", "'n' || id", {
      checkpointInterval: 500,
      maxRowsPerSecond: 1000,
    });
    const RED = "smb-eu-1";
    const clock = { now: new Date("2026-05-01T08:00:00Z") };
    // Its sms service reports a 5% error rate: red in Fleet health (and red again once it falls silent).
    await t.query(
      `INSERT INTO service_health (cell_id, service_id, last_sample_at, error_rate, p99_ms, cpu, rps, status, status_since)
       VALUES ($1, 'sms', $2, 0.05, 100, 0.2, 50, 'red', $2)`,
      [RED, clock.now],
    );
    const seen: { at: number; rows: number; started: number }[] = [];
    let s = await play(
      id,
      clock,
      (x) => cellIds.filter((c) => c !== RED).every((c) => status(x, c, "backfill") === "complete"),
      async (x) => {
        const cp = x.cells["smb-us-2"]!.backfill!;
        if (cp.startedAt) seen.push({ at: clock.now.getTime(), rows: cp.rowsDone, started: new Date(cp.startedAt).getTime() });
      },
      250,
    );
    // 2,500 rows at ≤ 1,000 rows/s in batches of 500: never ahead of the limit by more than one batch.
    expect(seen.length).toBeGreaterThan(4);
    for (const p of seen) expect(p.rows).toBeLessThanOrEqual(((p.at - p.started) / 1000) * 1000 + 500);
    expect(status(s, RED, "backfill")).toBe("pending");
    expect(s.cells[RED]!.backfill!.held).toMatch(/red in Fleet health/);
    expect(summarize(s, clock.now).line).toMatch(/smb-eu-1[^·]*red in Fleet health/);
    expect(s.doc.status).toBe("running");
    // It recovers: the backfill starts there too.
    await t.query("DELETE FROM service_health WHERE cell_id = $1", [RED]);
    s = await play(id, clock, (x) => x.doc.status === "succeeded", undefined, 250);
    expect(s.cells[RED]!.backfill!.held ?? null).toBeNull();
    const held = await t.prisma.auditEvent.findMany({
      where: { targetId: id, action: { in: ["migration.held", "migration.released"] } },
      orderBy: { id: "asc" },
    });
    expect(held.map((e) => e.action)).toEqual(["migration.held", "migration.released"]);
    fs.rmSync(root, { recursive: true, force: true });
  });
});
