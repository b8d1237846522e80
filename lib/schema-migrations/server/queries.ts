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

/** One run with its decisions, its audit trail and which cells Cellplane reaches directly; null when unknown. */
export async function runDetail(id: string) {
  const run = await loadRun(db(), id);
  if (!run) return null;
  const [approvals, audit, dbs] = await Promise.all([
    db().migrationApproval.findMany({ where: { runId: id }, orderBy: { decidedAt: "asc" } }),
    db().auditEvent.findMany({ where: { targetType: "migration", targetId: id }, orderBy: [{ at: "desc" }, { id: "desc" }], take: 200 }),
    db().cellDatabase.findMany({ select: { cellId: true } }), // never the URL: it holds a secret
  ]);
  return { run, approvals, audit, directCells: new Set(dbs.map((d) => d.cellId)) };
}

/** What a cell's migration tooling should run now (GET /api/v1/cells/{cell}/assignments), or null for an unknown cell. */
export function cellAssignments(cell: string) {
  return assignmentsFor(db(), cell);
}
