// The schema check of direct-mode cells: for every run moving forward, read each direct cell's columns
// of the migrated tables and compare them with what the phases applied to that cell so far imply
// (../drift.ts). The result — and when it was taken — is kept per run and cell
// (migration_schema_checks); the machine holds a drifted cell before its next phase, and moves a cell
// to its next phase only after a check taken since its last phase finished. A cell is checked when it
// has finished a phase since its last check, and otherwise every CHECK_EVERY_MS.
import type pg from "pg";
import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { expectedColumns, migratedTables, schemaDrift } from "../drift";
import type { CellStatus } from "../machine";
import { parseStoredSpec } from "../run-doc";

export const CHECK_EVERY_MS = 10_000;

interface Due {
  run_id: string;
  cell_id: string;
  url: string;
  spec: unknown;
}

/** Which (run, cell) pairs are due a check at `now`. */
function dueChecks(db: Db, now: Date): Promise<Due[]> {
  return db.$queryRaw<Due[]>`
    SELECT r.id AS run_id, cd.cell_id, cd.url, r.spec
      FROM schema_migration_runs r
      JOIN cell_databases cd ON cd.cell_id IN (SELECT jsonb_array_elements_text(r.spec->'cells'))
      LEFT JOIN migration_schema_checks sc ON sc.run_id = r.id AND sc.cell_id = cd.cell_id
     WHERE r.status IN ('running', 'awaiting_approval')
       AND (sc.checked_at IS NULL
            OR sc.checked_at <= ${new Date(now.getTime() - CHECK_EVERY_MS)}::timestamptz
            OR EXISTS (SELECT 1 FROM migration_cells mc WHERE mc.run_id = r.id AND mc.cell_id = cd.cell_id AND mc.finished_at >= sc.checked_at))`;
}

async function checkOne(db: Db, d: Due, now: Date, pool: (url: string) => pg.Pool) {
  const spec = parseStoredSpec(d.spec, d.run_id);
  const tables = migratedTables(spec);
  // Statuses first, columns second: a phase finishing in between is "either way" (running) or already counted.
  const rows = await db.migrationCell.findMany({ where: { runId: d.run_id, cellId: d.cell_id }, select: { phase: true, status: true } });
  const status = new Map(rows.map((r) => [r.phase, r.status as CellStatus]));
  const client = await pool(d.url).connect();
  let found: Record<string, string[]>;
  try {
    const { rows: cols } = await client.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = ANY($1) ORDER BY table_name, ordinal_position`,
      [tables],
    );
    found = Object.fromEntries(tables.map((t) => [t, cols.filter((c) => c.table_name === t).map((c) => c.column_name)]));
  } finally {
    client.release();
  }
  const drift = schemaDrift(
    expectedColumns(spec, (phase) => status.get(phase) ?? "pending"),
    found,
  );
  const columns = found as unknown as Prisma.InputJsonValue;
  await db.migrationSchemaCheck.upsert({
    where: { runId_cellId: { runId: d.run_id, cellId: d.cell_id } },
    create: { runId: d.run_id, cellId: d.cell_id, checkedAt: now, columns, drift },
    update: { checkedAt: now, columns, drift },
  });
}

/** Check every direct cell due a check (each on its own: one unreachable cell does not stop the others). */
export async function checkSchemas(db: Db, now: Date, pool: (url: string) => pg.Pool): Promise<number> {
  const due = await dueChecks(db, now);
  await Promise.all(
    due.map((d) =>
      checkOne(db, d, now, pool).catch((e) => console.error(`[migrations] schema check ${d.run_id} ${d.cell_id}: ${(e as Error).message}`)),
    ),
  );
  return due.length;
}
