// A run's cells as stored (migration_cells: one row per cell and phase), read into the machine's
// state and written back after a transition. Each write is guarded by the status it was read with, so
// a cell that the runner or an agent moved meanwhile makes the transition retry instead of undoing it.
import type { Db, Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import type { CellPhase, Cells, CellStatus } from "../machine";

export type CellRows = Map<string, CellPhase>;

const key = (cell: string, phase: string) => `${cell}\u0000${phase}`;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Every cell × phase of run `id`, as the machine sees them, and a copy to compare writes against. */
export async function readCells(db: Db | Tx, id: string): Promise<{ cells: Cells; rows: CellRows }> {
  const rows = await db.migrationCell.findMany({ where: { runId: id } });
  const cells: Cells = {};
  const map: CellRows = new Map();
  for (const r of rows) {
    const c: CellPhase = {
      status: r.status as CellStatus,
      rowsDone: Number(r.rowsDone),
      rowsTotal: r.rowsTotal === null ? null : Number(r.rowsTotal),
      rate: r.rate,
      checkpoint: r.lastCheckpoint,
      error: r.error,
      remaining: r.remaining === null ? null : Number(r.remaining),
      verifiedAt: iso(r.verifiedAt),
      held: r.held,
      startedAt: iso(r.startedAt),
      finishedAt: iso(r.finishedAt),
      updatedAt: iso(r.updatedAt),
    };
    (cells[r.cellId] ??= {})[r.phase] = c;
    map.set(key(r.cellId, r.phase), { ...c });
  }
  return { cells, rows: map };
}

const unchanged = (a: CellPhase, b: CellPhase) =>
  a.status === b.status && a.error === b.error && (a.held ?? null) === (b.held ?? null) && (a.remaining ?? null) === (b.remaining ?? null);

/**
 * Write the cells the machine changed: status, error, hold and (a retried backfill's) verification.
 * A phase's start and finish times are kept per cell for the change log: started when it first runs,
 * finished when it reaches an end (cleared when it goes back to pending or running).
 */
export async function writeCells(tx: Tx, runId: string, read: CellRows, next: Cells, now: Date) {
  for (const [cell, byPhase] of Object.entries(next)) {
    for (const [phase, c] of Object.entries(byPhase)) {
      const old = read.get(key(cell, phase));
      if (!old || unchanged(old, c)) continue;
      // Only a retry changes a verification (it clears it); otherwise the runner's value stands.
      const reverify = (old.remaining ?? null) !== (c.remaining ?? null);
      const n = await tx.$executeRaw`
        UPDATE migration_cells SET status = ${c.status}::text, error = ${c.error}, held = ${c.held ?? null},
               remaining = CASE WHEN ${reverify}::boolean THEN ${c.remaining ?? null}::bigint ELSE remaining END,
               verified_at = CASE WHEN ${reverify}::boolean THEN NULL ELSE verified_at END,
               started_at = CASE WHEN ${c.status}::text = 'running' AND started_at IS NULL THEN ${now}::timestamptz ELSE started_at END,
               finished_at = CASE WHEN ${c.status}::text IN ('complete', 'failed', 'rolled_back', 'stopped') THEN COALESCE(CASE WHEN status = ${c.status}::text THEN finished_at END, ${now}::timestamptz) ELSE NULL END,
               updated_at = ${now}::timestamptz
         WHERE run_id = ${runId} AND cell_id = ${cell} AND phase = ${phase} AND status = ${old.status}`;
      if (n !== 1) throw new DomainError("CONFLICT", `cell ${cell} changed meanwhile in ${phase}; try again`);
    }
  }
}
