// The batch contract of a direct-mode backfill script (pure): what Cellplane needs to walk it in
// batches, and to verify it. A backfill is one UPDATE whose WHERE clause says which rows still need it
// (`… AND recipient_id IS NULL`): run over the whole key range as a count, that predicate is the number
// of rows still to backfill — 0 once it is done, whatever happened in between.
export interface BackfillPlan {
  table: string;
  key: string;
  statement: string;
  /** `SELECT count(*) …` of the rows the statement would still change, with $1/$2 spanning every key. */
  verify: string;
}

/** Where a keyword is at the top level of `sql` (outside parentheses and quotes), from `from`; -1 when not. */
function topLevel(sql: string, keyword: RegExp, from = 0): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = from; i < sql.length; i++) {
    const ch = sql[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (depth === 0 && /\s/.test(sql[i - 1] ?? " ") && keyword.test(sql.slice(i))) return i;
  }
  return -1;
}

/** The count of rows an `UPDATE t SET … [FROM …] WHERE p [RETURNING …]` would still change: `SELECT count(*) FROM t[, …] WHERE p`. */
export function verifyQuery(statement: string): string | null {
  const head = /^UPDATE\s+(?:ONLY\s+)?([\s\S]+?)\s+SET\s/i.exec(statement);
  if (!head) return null;
  const where = topLevel(statement, /^WHERE\s/i, head[0].length);
  if (where < 0) return null;
  const from = topLevel(statement.slice(0, where), /^FROM\s/i, head[0].length);
  const returning = topLevel(statement, /^RETURNING\s/i, where);
  const predicate = statement.slice(where + 5, returning < 0 ? undefined : returning).trim();
  const joined = from < 0 ? "" : `, ${statement.slice(from + 4, where).trim()}`;
  return `SELECT count(*)::bigint AS n FROM ${head[1]}${joined} WHERE ${predicate}`;
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
  const verify = verifyQuery(statement);
  if (!verify)
    return `${path} must be an UPDATE … WHERE … whose WHERE clause says which rows still need it: Cellplane counts them to verify the backfill`;
  return { table: m[1]!, key: m[2] ?? "id", statement, verify };
}
