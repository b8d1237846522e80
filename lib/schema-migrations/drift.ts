// The schema check (pure): what a cell's database should look like given the phases applied to it so
// far, and how what it has differs. A schema phase's script says which columns it adds and drops
// (ALTER TABLE … ADD/DROP COLUMN); after a phase that adds a column the column must be there, before
// it (or once rolled back) it must not; the reverse for a drop. While a phase runs on a cell either
// is fine. A difference — a column missing, dropped early, or there too soon — is drift, and it holds
// the cell before its next phase.
import type { StoredSpec } from "./run-doc";
import type { CellStatus } from "./run-model";

export interface ColumnChange {
  table: string;
  column: string;
  change: "add" | "drop";
}

/** Split SQL on top-level `sep` (outside parentheses and quotes). */
function splitTop(sql: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let cur = "";
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === sep && depth === 0) {
      out.push(cur);
      cur = "";
      continue;
    }
    cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter(Boolean);
}

const unquote = (name: string) => (name.startsWith('"') ? name.slice(1, -1) : name.toLowerCase());
const bareTable = (name: string) => unquote(name.split(".").pop()!);

/** The columns a schema script adds and drops (`ALTER TABLE t ADD [COLUMN] c …, DROP [COLUMN] [IF EXISTS] c`). */
export function columnChanges(sql: string): ColumnChange[] {
  const out: ColumnChange[] = [];
  const body = sql.replace(/--[^\n]*/g, "");
  for (const stmt of splitTop(body, ";")) {
    const m = /^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?("[^"]+"|[\w.]+)\s+([\s\S]+)$/i.exec(stmt);
    if (!m) continue;
    const table = bareTable(m[1]!);
    for (const action of splitTop(m[2]!, ",")) {
      const a = /^(ADD|DROP)\s+(?:COLUMN\s+)?(?:IF\s+(?:NOT\s+)?EXISTS\s+)?("[^"]+"|\w+)/i.exec(action);
      if (!a || /^(CONSTRAINT|PRIMARY|UNIQUE|CHECK|FOREIGN)$/i.test(a[2]!)) continue;
      out.push({ table, column: unquote(a[2]!), change: a[1]!.toUpperCase() === "ADD" ? "add" : "drop" });
    }
  }
  return out;
}

export interface Expectation {
  table: string;
  column: string;
  present: boolean;
  /** Which phase says so, in words: "expand applied", "before contract". */
  because: string;
}

/**
 * What a cell's columns should be, given its status in each phase. Columns of phases still running
 * on it are not expected either way; a later phase's expectation replaces an earlier one's.
 */
export function expectedColumns(spec: StoredSpec, statusOf: (phase: string) => CellStatus): Expectation[] {
  const byColumn = new Map<string, Expectation | null>();
  for (const p of spec.phases) {
    if (p.type !== "schema") continue;
    const text = spec.scripts[p.script];
    if (!text) continue;
    const st = statusOf(p.name);
    for (const ch of columnChanges(text)) {
      const key = `${ch.table}.${ch.column}`;
      const applied = st === "complete";
      const notYet = st === "pending" || st === "rolled_back";
      if (!applied && !notYet) byColumn.set(key, null);
      else if (applied || !byColumn.has(key))
        byColumn.set(key, {
          table: ch.table,
          column: ch.column,
          present: applied === (ch.change === "add"),
          because: applied ? `${p.name} applied` : st === "rolled_back" ? `${p.name} rolled back` : `before ${p.name}`,
        });
    }
  }
  return [...byColumn.values()].filter((e): e is Expectation => e !== null);
}

/** The tables a migration's schema phases change (what a schema check reads). */
export function migratedTables(spec: StoredSpec): string[] {
  const tables = new Set<string>();
  for (const p of spec.phases) {
    const text = p.type === "schema" ? spec.scripts[p.script] : null;
    for (const ch of text ? columnChanges(text) : []) tables.add(ch.table);
  }
  return [...tables];
}

/** How `found` (table → its columns) differs from what is expected, in words; null when it does not. */
export function schemaDrift(expected: Expectation[], found: Record<string, string[]>): string | null {
  const problems: string[] = [];
  for (const e of expected) {
    const has = (found[e.table] ?? []).includes(e.column);
    if (has === e.present) continue;
    if (e.present)
      problems.push(`${e.column} ${e.because.startsWith("before") ? "dropped early from" : "missing from"} ${e.table} (${e.because})`);
    else problems.push(`${e.column} ${e.because.startsWith("before") ? "present" : "still present"} in ${e.table} (${e.because})`);
  }
  return problems.length ? problems.join("; ") : null;
}
