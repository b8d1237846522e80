import "server-only";
// Reads for the migrations pages and the cell agents' HTTP API.
import { db } from "@/lib/db";
import { assignmentsFor } from "./agent";
import { loadRun } from "./store";

/** Every run, newest import first. */
export async function listRuns() {
  const runs = await db().schemaMigrationRun.findMany({ orderBy: { importedAt: "desc" }, select: { id: true } });
  return (await Promise.all(runs.map((r) => loadRun(db(), r.id)))).filter((x) => x !== null);
}

/**
 * One run with its decisions, its audit trail, which cells Cellplane reaches directly and their last
 * schema checks (cell → when, and the drift found); null when unknown.
 */
export async function runDetail(id: string) {
  const run = await loadRun(db(), id);
  if (!run) return null;
  const [approvals, audit, dbs, checks] = await Promise.all([
    db().migrationApproval.findMany({ where: { runId: id }, orderBy: { decidedAt: "asc" } }),
    db().auditEvent.findMany({ where: { targetType: "migration", targetId: id }, orderBy: [{ at: "desc" }, { id: "desc" }], take: 200 }),
    db().cellDatabase.findMany({ select: { cellId: true } }), // never the URL: it holds a secret
    db().migrationSchemaCheck.findMany({ where: { runId: id }, select: { cellId: true, checkedAt: true, drift: true } }),
  ]);
  return {
    run,
    approvals,
    audit,
    directCells: new Set(dbs.map((d) => d.cellId)),
    schemaChecks: new Map(checks.map((c) => [c.cellId, { checkedAt: c.checkedAt, drift: c.drift }])),
  };
}

/** What a cell's migration tooling should run now (GET /api/v1/cells/{cell}/assignments), or null for an unknown cell. */
export function cellAssignments(cell: string) {
  return assignmentsFor(db(), cell);
}
