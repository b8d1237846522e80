// The batch contract of a direct-mode backfill script (pure): what Cellplane needs to walk it in batches.
export interface BackfillPlan {
  table: string;
  key: string;
  statement: string;
}

/** The batch contract of a backfill script: a `-- cellplane: table=T key=K` directive and $1/$2 bounds. */
export function parseBackfillScript(path: string, sql: string | null): BackfillPlan | string {
  if (!/\.sql$/i.test(path))
    return `${path} is not SQL: direct mode runs only .sql backfills; run this phase in agent mode (the cell's own tooling polls /api/v1/cells/{cell}/assignments)`;
  if (sql === null) return `no such script: ${path}`;
  const m = /--\s*cellplane:\s*table=([A-Za-z_]\w*)(?:\s+key=([A-Za-z_]\w*))?/.exec(sql);
  if (!m) return `${path} has no "-- cellplane: table=<table> key=<primary key>" line naming what its batches walk`;
  const statement = sql
    .replace(/--[^\n]*/g, "")
    .trim()
    .replace(/;\s*$/, "");
  if (!statement.includes("$1") || !statement.includes("$2"))
    return `${path} must use the batch bounds $1 (exclusive) and $2 (inclusive) on ${m[2] ?? "id"}`;
  if (statement.includes(";")) return `${path} must be a single statement`;
  return { table: m[1]!, key: m[2] ?? "id", statement };
}
