// Agent mode: for fleets where the control plane has no database access, the cell's own tooling
// polls its assignments and reports progress. Reports are accepted only from cells in agent mode and
// only for the phase the cell was assigned (a schema or backfill phase it is running): a report for a
// direct-mode cell, a deployment phase (its release decides), another phase, or a stale or
// out-of-order one is refused (409, with the reason) and changes nothing. A backfill's final report
// verifies it only when rows == total.
import type { Audited, AuditInput } from "@/lib/audit/events";
import type { Db, Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import type { Assignment, Progress } from "../agent-api";
import { parseStoredSpec } from "../run-doc";
import { isActive, type RunStatus } from "../run-model";

/** What a cell should run now. Direct-mode cells (Cellplane holds their connection) get none. */
export async function assignmentsFor(
  db: Db,
  cell: string,
): Promise<{ cell: string; mode: "agent" | "direct"; assignments: Assignment[] } | null> {
  const exists = await db.cell.findUnique({ where: { id: cell }, select: { id: true } });
  if (!exists) return null;
  if (await db.cellDatabase.findUnique({ where: { cellId: cell }, select: { cellId: true } }))
    return { cell, mode: "direct", assignments: [] };
  const rows = await db.$queryRaw<
    {
      run_id: string;
      phase: string;
      status: string;
      rows_done: bigint;
      last_checkpoint: string | null;
      last_report_seq: bigint;
      held: string | null;
      spec: unknown;
    }[]
  >`
    SELECT mc.run_id, mc.phase, mc.status, mc.rows_done, mc.last_checkpoint, mc.last_report_seq, mc.held, r.spec
      FROM migration_cells mc JOIN schema_migration_runs r ON r.id = mc.run_id
     WHERE mc.cell_id = ${cell} AND mc.status IN ('running', 'rolling_back') AND r.status IN ('running', 'awaiting_approval', 'rolling_back')
     ORDER BY r.started_at`;
  const out: Assignment[] = [];
  for (const r of rows) {
    const spec = parseStoredSpec(r.spec, r.run_id);
    const p = spec.phases.find((x) => x.name === r.phase);
    if (!p || p.type === "deployment") continue;
    const script = r.status === "rolling_back" && p.type === "schema" ? (p.rollbackScript ?? p.script) : p.script;
    out.push({
      migration: r.run_id,
      phase: r.phase,
      type: p.type,
      action: r.status === "rolling_back" ? "revert" : "apply",
      script,
      sql: spec.scripts[script] ?? null,
      checkpointInterval: p.type === "data" ? p.checkpointInterval : null,
      maxRowsPerSecond: p.type === "data" ? (p.maxRowsPerSecond ?? null) : null,
      paused: r.held,
      rowsDone: Number(r.rows_done),
      lastCheckpoint: r.last_checkpoint,
      lastSeq: Number(r.last_report_seq),
    });
  }
  return { cell, mode: "agent", assignments: out };
}

/**
 * Record a cell agent's report, under a row lock on that cell's phase. A report that changes the
 * cell's status returns an audit event; one that only moves progress along returns none.
 */
export async function reportProgress(
  tx: Tx,
  runId: string,
  cell: string,
  body: Progress,
  now: Date,
): Promise<Audited<{ cell: string; phase: string; status: string }>> {
  const run = await tx.schemaMigrationRun.findUnique({ where: { id: runId }, select: { status: true, spec: true } });
  if (!run) throw new DomainError("NOT_FOUND", `no migration ${runId}`);
  if (!isActive(run.status as RunStatus))
    throw new DomainError("CONFLICT", `migration ${runId} is ${run.status.replace("_", " ")}; it takes no reports`);
  const rows = await tx.$queryRaw<{ phase: string; status: string; rows_done: bigint; last_report_seq: bigint }[]>`
    SELECT phase, status, rows_done, last_report_seq FROM migration_cells WHERE run_id = ${runId} AND cell_id = ${cell} ORDER BY phase FOR UPDATE`;
  if (rows.length === 0) throw new DomainError("NOT_FOUND", `cell ${cell} is not part of migration ${runId}`);
  const row = rows.find((r) => r.phase === body.phase);
  const inPhase = rows.filter((r) => r.status === "running" || r.status === "rolling_back").map((r) => r.phase);
  if (!row) throw new DomainError("INVALID", `migration ${runId} has no phase "${body.phase}"`, { phase: ["unknown phase"] });
  if (await tx.cellDatabase.findUnique({ where: { cellId: cell }, select: { cellId: true } }))
    throw new DomainError(
      "CONFLICT",
      `${cell} runs in direct mode: Cellplane runs its SQL itself and takes no agent reports for it; nothing changed`,
    );
  const phase = parseStoredSpec(run.spec, runId).phases.find((p) => p.name === body.phase)!;
  if (phase.type === "deployment")
    throw new DomainError(
      "CONFLICT",
      `${body.phase} is a deployment phase: its release decides when ${cell} is done, not an agent; nothing changed`,
    );
  if (row.status !== "running" && row.status !== "rolling_back") {
    throw new DomainError(
      "CONFLICT",
      `cell ${cell} is not in phase ${body.phase} (it is ${row.status} there${inPhase.length ? `; it is running ${inPhase.join(", ")}` : "; nothing is running on it"}); report ignored, nothing changed`,
    );
  }
  if (body.seq !== undefined && BigInt(body.seq) <= row.last_report_seq)
    throw new DomainError("CONFLICT", `stale report: seq ${body.seq} ≤ last seq ${row.last_report_seq}; nothing changed`);
  if (body.rows !== undefined && BigInt(body.rows) < row.rows_done)
    throw new DomainError("CONFLICT", `out-of-order report: rows ${body.rows} < ${row.rows_done} already reported; nothing changed`);
  if (body.total != null && body.rows !== undefined && body.rows > body.total)
    throw new DomainError("INVALID", `rows ${body.rows} exceed total ${body.total}`, { rows: ["more than total"] });
  const final = phase.type === "data" && body.status === "complete" && row.status === "running";
  if (final && (body.rows === undefined || body.total == null))
    throw new DomainError("INVALID", "a backfill that reports complete says how far it got: rows and total", {
      ...(body.rows === undefined ? { rows: ["required when a backfill reports complete"] } : {}),
      ...(body.total == null ? { total: ["required when a backfill reports complete"] } : {}),
    });
  // The final report verifies the backfill: rows still to do = total − rows (0 only when rows == total).
  const remaining = final ? body.total! - body.rows! : null;
  const to =
    body.status === "running"
      ? row.status
      : body.status === "complete"
        ? row.status === "rolling_back"
          ? "rolled_back"
          : "complete"
        : "failed";
  await tx.$executeRaw`
    UPDATE migration_cells SET status = ${to}::text, rows_done = COALESCE(${body.rows ?? null}::bigint, rows_done), rows_total = COALESCE(${body.total ?? null}::bigint, rows_total),
           last_checkpoint = COALESCE(${body.checkpoint ?? null}, last_checkpoint), last_report_seq = COALESCE(${body.seq ?? null}::bigint, last_report_seq + 1),
           rate = CASE WHEN started_at IS NOT NULL AND ${body.rows ?? null}::bigint IS NOT NULL AND ${now}::timestamptz > started_at
                       THEN ${body.rows ?? 0}::float8 / EXTRACT(EPOCH FROM (${now}::timestamptz - started_at)) ELSE rate END,
           error = ${body.status === "failed" ? (body.error ?? "reported failed by the cell agent") : null},
           remaining = CASE WHEN ${final}::boolean THEN ${remaining}::bigint ELSE remaining END,
           verified_at = CASE WHEN ${final}::boolean THEN ${now}::timestamptz ELSE verified_at END,
           finished_at = CASE WHEN ${to}::text IN ('complete', 'failed', 'rolled_back') THEN ${now}::timestamptz ELSE finished_at END, updated_at = ${now}::timestamptz
     WHERE run_id = ${runId} AND cell_id = ${cell} AND phase = ${body.phase}`;
  const audit: AuditInput[] =
    to === row.status
      ? []
      : [
          {
            action: "migration.agent_report",
            targetType: "migration",
            targetId: runId,
            before: { cell, phase: body.phase, status: row.status },
            after: {
              cell,
              phase: body.phase,
              status: to,
              rows: body.rows,
              total: body.total,
              remaining: remaining ?? undefined,
              error: body.error,
            },
          },
        ];
  return { data: { cell, phase: body.phase, status: to }, audit };
}
