import { spawn } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "@/lib/fleet/server/seed";
import { seedPipelines } from "@/lib/rollouts/server/seed";
import { audited } from "@/lib/audit/server/record";
import { reportProgress } from "@/lib/schema-migrations/server/agent";
import { backfillAll } from "@/lib/schema-migrations/server/direct";
import { createCellDatabase } from "@/lib/schema-migrations/server/seed";
import { importManifest, loadRun, startRun, tickRun } from "@/lib/schema-migrations/server/store";
import { freshDatabase, type TestDatabase } from "../support/db";
import { backfillPhase, canaryThenAll, expandPhase, migrationYaml } from "../support/yaml-fixtures";

const ROOT = path.resolve(import.meta.dirname, "../..");
let t: TestDatabase;
beforeAll(async () => {
  t = await freshDatabase("migrations");
  await seedDemo(t.prisma, "cellplane", ROOT);
  await seedPipelines(t.prisma, ROOT);
});
afterAll(async () => {
  await t.drop();
});

const dataOnly = (id: string, parallel: number) => migrationYaml(id, [backfillPhase(parallel, { checkpointInterval: 1000 })]);

async function importAndStart(text: string) {
  const { spec } = await audited(t.prisma, "release@cellplane.local", (tx) =>
    importManifest(tx, text, "release@cellplane.local", ROOT, new Date()),
  );
  await audited(t.prisma, "release@cellplane.local", (tx) => startRun(tx, spec.id, "release@cellplane.local", new Date(), 1));
  return spec;
}

const cellRows = (id: string) =>
  t.query<{ cell_id: string; phase: string; status: string; rows_done: string; last_report_seq: string; updated_at: Date }>(
    `SELECT cell_id, phase, status, rows_done::text, last_report_seq::text, updated_at FROM migration_cells WHERE run_id = $1 ORDER BY cell_id, phase`,
    [id],
  );

describe("schema migrations against real PostgreSQL", () => {
  it("parallel_cells: 3 never lets a 4th cell start, under two racing tickers", async () => {
    // No cell database is configured here: every cell runs in agent mode and the test plays the agents.
    const spec = await importAndStart(dataOnly("parallel-limit", 3));
    expect(spec.cells).toHaveLength(16);
    let maxRunning = 0;
    let stop = false;
    const watcher = (async () => {
      while (!stop) {
        const [r] = await t.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM migration_cells WHERE run_id = 'parallel-limit' AND status = 'running'`,
        );
        maxRunning = Math.max(maxRunning, r!.n);
      }
    })();
    let agentsDone = false;
    const ticker = async () => {
      for (let i = 0; i < 2000 && !agentsDone; i++) {
        await tickRun(t.prisma, "parallel-limit", new Date()).catch((e) => {
          if (!/changed meanwhile/.test(e.message)) throw e;
        });
      }
    };
    const agents = (async () => {
      let seq = 1;
      const report = (cell: string, status: "running" | "complete", rows: number) =>
        audited(t.prisma, "token:agent", (tx) =>
          reportProgress(tx, "parallel-limit", cell, { phase: "backfill", status, rows, total: 1000, seq: seq++ }, new Date()),
        );
      for (let i = 0; i < 2000; i++) {
        const running = await t.query<{ cell_id: string }>(
          `SELECT cell_id FROM migration_cells WHERE run_id = 'parallel-limit' AND status = 'running' ORDER BY cell_id LIMIT 1`,
        );
        for (const r of running) {
          await report(r.cell_id, "running", 500);
          await report(r.cell_id, "complete", 1000);
        }
        const [left] = await t.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM migration_cells WHERE run_id = 'parallel-limit' AND status <> 'complete'`,
        );
        if (left!.n === 0) break;
      }
      agentsDone = true;
    })();
    await Promise.all([agents, ticker(), ticker()]);
    stop = true;
    await watcher;
    expect(maxRunning).toBe(3);
    expect((await cellRows("parallel-limit")).every((r) => r.status === "complete")).toBe(true);
    await tickRun(t.prisma, "parallel-limit", new Date());
    const run = await t.prisma.schemaMigrationRun.findUniqueOrThrow({ where: { id: "parallel-limit" } });
    expect(run.status).toBe("succeeded");
    // Each cell was started exactly once.
    const starts = await t.query<{ detail: string }>(
      `SELECT after->>'detail' AS detail FROM audit_events WHERE target_id = 'parallel-limit' AND action = 'migration.cells'`,
    );
    expect(starts).toHaveLength(16);
  });

  it("an agent report for a phase the cell is not in is refused and changes nothing", async () => {
    const manifest = migrationYaml("agent-phase", [expandPhase(canaryThenAll("1h")), backfillPhase(3)]);
    await importAndStart(manifest);
    const before = await cellRows("agent-phase");
    expect(before.find((r) => r.cell_id === "canary-us-internal" && r.phase === "expand")!.status).toBe("running");
    const audits = await t.prisma.auditEvent.count();
    // canary is in expand, not backfill; smb-us-1 has not started anything.
    await expect(
      audited(t.prisma, "token:agent", (tx) =>
        reportProgress(
          tx,
          "agent-phase",
          "canary-us-internal",
          { phase: "backfill", status: "running", rows: 10, total: 100, seq: 1 },
          new Date(),
        ),
      ),
    ).rejects.toThrow(/canary-us-internal is not in phase backfill \(it is pending there; it is running expand\)/);
    await expect(
      audited(t.prisma, "token:agent", (tx) =>
        reportProgress(tx, "agent-phase", "smb-us-1", { phase: "expand", status: "complete" }, new Date()),
      ),
    ).rejects.toThrow(/not in phase expand/);
    await expect(
      audited(t.prisma, "token:agent", (tx) =>
        reportProgress(tx, "agent-phase", "canary-us-internal", { phase: "contract", status: "complete" }, new Date()),
      ),
    ).rejects.toThrow(/no phase "contract"/);
    expect(await cellRows("agent-phase")).toEqual(before);
    expect(await t.prisma.auditEvent.count()).toBe(audits);
    // The right phase is accepted; a stale seq after it is refused.
    await audited(t.prisma, "token:agent", (tx) =>
      reportProgress(tx, "agent-phase", "canary-us-internal", { phase: "expand", status: "running", seq: 5 }, new Date()),
    );
    await expect(
      audited(t.prisma, "token:agent", (tx) =>
        reportProgress(tx, "agent-phase", "canary-us-internal", { phase: "expand", status: "complete", seq: 4 }, new Date()),
      ),
    ).rejects.toThrow(/stale report/);
    expect((await cellRows("agent-phase")).find((r) => r.cell_id === "canary-us-internal" && r.phase === "expand")!.status).toBe("running");
  });

  it("agent reports are accepted only for cells in agent mode and only for the phase the cell was assigned: 409 with the reason otherwise", async () => {
    // canary runs in direct mode here: Cellplane holds its connection (never used in this test).
    await t.prisma.cellDatabase.create({ data: { cellId: "canary-us-internal", url: "postgres://nobody@127.0.0.1:9/none" } });
    try {
      await importAndStart(migrationYaml("agent-scope", [{ name: "ship", type: "deployment", version: "v9.9.1", rollout: "standard" }]));
      await tickRun(t.prisma, "agent-scope", new Date()); // the release started: its cells follow it
      const before = await cellRows("agent-scope");
      expect(before.find((r) => r.cell_id === "smb-us-1")!.status).toBe("running");
      const audits = await t.prisma.auditEvent.count();
      const report = (cell: string) =>
        audited(t.prisma, "token:agent", (tx) =>
          reportProgress(tx, "agent-scope", cell, { phase: "ship", status: "complete", seq: 1 }, new Date()),
        );
      await expect(report("canary-us-internal")).rejects.toThrow(/canary-us-internal runs in direct mode/);
      await expect(report("smb-us-1")).rejects.toThrow(/ship is a deployment phase/);
      await expect(report("canary-us-internal")).rejects.toMatchObject({ code: "CONFLICT" });
      await expect(report("smb-us-1")).rejects.toMatchObject({ code: "CONFLICT" });
      expect(await cellRows("agent-scope")).toEqual(before);
      expect(await t.prisma.auditEvent.count()).toBe(audits);
    } finally {
      await t.prisma.cellDatabase.deleteMany({ where: { cellId: "canary-us-internal" } });
    }
  });

  it("an agent's final backfill report verifies the cell only when rows == total", async () => {
    await importAndStart(dataOnly("agent-verify", 2)); // canary-us-internal and smb-ap-1 backfill first
    const report = (cell: string, rows: number, total: number) =>
      audited(t.prisma, "token:agent", (tx) =>
        reportProgress(tx, "agent-verify", cell, { phase: "backfill", status: "complete", rows, total }, new Date()),
      );
    await report("canary-us-internal", 90, 100);
    await report("smb-ap-1", 100, 100);
    const { state } = (await loadRun(t.prisma, "agent-verify"))!;
    const remaining = (cell: string) => (state.cells[cell]!.backfill as { remaining?: number | null }).remaining;
    expect(remaining("canary-us-internal")).toBe(10);
    expect(remaining("smb-ap-1")).toBe(0);
    // A backfill that says it is complete must say how far it got.
    await tickRun(t.prisma, "agent-verify", new Date());
    await expect(
      audited(t.prisma, "token:agent", (tx) =>
        reportProgress(tx, "agent-verify", "smb-ap-2", { phase: "backfill", status: "complete" }, new Date()),
      ),
    ).rejects.toMatchObject({ code: "INVALID" });
  });

  it("a direct-mode backfill killed mid-batch (SIGKILL) resumes from its checkpoint and touches every row exactly once", async () => {
    const rows = 20_000;
    const url = await createCellDatabase(t.url, `${t.name}_cell_kill`, rows);
    const cell = new pg.Client({ connectionString: url });
    await cell.connect();
    try {
      await cell.query(`ALTER TABLE messages ADD COLUMN recipient_id TEXT, ADD COLUMN backfill_count INT NOT NULL DEFAULT 0`);
      const child = spawn(
        process.execPath,
        ["--import", "tsx", path.join(ROOT, "tests/support/backfill-child.ts"), url, "kill-test", "1000"],
        { cwd: ROOT, stdio: "ignore" },
      );
      const exited = new Promise<NodeJS.Signals | number | null>((r) => child.once("exit", (code, sig) => r(sig ?? code)));
      // Wait until some batches are committed and a batch's UPDATE is executing right now.
      for (let i = 0; ; i++) {
        if (i > 600) throw new Error("the backfill never reached a mid-batch moment");
        const cp = await cell
          .query(`SELECT rows_done FROM _cellplane_backfill_checkpoints WHERE migration_id = 'kill-test'`)
          .catch(() => ({ rows: [] as { rows_done: string }[] }));
        const active = await cell.query(
          `SELECT 1 FROM pg_stat_activity WHERE application_name = 'backfill-child' AND state = 'active' AND query LIKE 'UPDATE messages SET recipient_id%'`,
        );
        if (Number(cp.rows[0]?.rows_done ?? 0) >= 3000 && active.rows.length) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      child.kill("SIGKILL");
      expect(await exited).toBe("SIGKILL");
      // Let PostgreSQL notice the dead connection and roll its open batch back.
      for (let i = 0; i < 200; i++) {
        const { rows: a } = await cell.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = 'backfill-child'`);
        if (!a.length) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      const [mid] = (
        await cell.query<{ done: string; touched: string; last_key: string }>(
          `SELECT c.rows_done::text AS done, (SELECT count(*) FROM messages WHERE backfill_count > 0)::text AS touched, c.last_key::text FROM _cellplane_backfill_checkpoints c`,
        )
      ).rows;
      expect(Number(mid!.done)).toBeGreaterThan(0);
      expect(Number(mid!.done)).toBeLessThan(rows);
      // Committed rows are exactly the checkpoint's: the killed batch left nothing behind.
      expect(mid!.touched).toBe(mid!.done);

      // Restart: resumes from the checkpoint and finishes.
      const plan = {
        table: "messages",
        key: "id",
        statement: "UPDATE messages SET recipient_id = to_phone, backfill_count = backfill_count + 1 WHERE id > $1 AND id <= $2",
      };
      const batches: number[] = [];
      const end = await backfillAll(cell, "kill-test", "backfill", plan, 1000, (r) => batches.push(r.rowsDone));
      expect(end).toMatchObject({ done: true, rowsDone: rows, rowsTotal: rows });
      expect(batches[0]).toBe(Number(mid!.done) + 1000);
      const [check] = (
        await cell.query<{ filled: string; once: string; total: string }>(
          `SELECT count(*) FILTER (WHERE recipient_id = to_phone)::text AS filled, count(*) FILTER (WHERE backfill_count = 1)::text AS once, count(*)::text AS total FROM messages`,
        )
      ).rows;
      expect(check).toEqual({ filled: String(rows), once: String(rows), total: String(rows) });
    } finally {
      await cell.end();
      const admin = new pg.Client({ connectionString: t.url });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${t.name}_cell_kill" WITH (FORCE)`);
      await admin.end();
    }
  });
});
