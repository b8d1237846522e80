// Reading the change log: one statement per page, newest first, on the indexes of change_events
// (a cell's rows by (cell_id, at, id), rows for every cell by a partial index, the fleet by (at, id)).
// No `server-only`: the release store reads "what changed?" for its failed-wave notification in
// its own transaction. Pages use queries.ts.
import type pg from "pg";
import type { Tx } from "@/lib/db/client";
import { type Change, type ChangeFilter, type ChangeKind, encodeCursor } from "../model";
import { DEFAULT_WINDOW_MIN, type Focus, RANKING_RULE, type Ranked, rankChanges, rankedLines, windowBefore } from "../rank";

/** Runs one SQL statement with positional parameters: a pg pool or a Prisma transaction. */
export type Sql = (text: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

export const poolSql =
  (pool: Pick<pg.Pool, "query">): Sql =>
  async (text, params) =>
    (await pool.query(text, params)).rows;

export const txSql =
  (tx: Tx): Sql =>
  (text, params) =>
    tx.$queryRawUnsafe<Record<string, unknown>[]>(text, ...params);

const COLUMNS = `id, at, kind, cell_id, services, summary, actor, link, before, after, source`;

function toChange(r: Record<string, unknown>): Change {
  return {
    id: String(r.id), // int8: a string from pg, a bigint from Prisma
    at: r.at as Date,
    kind: r.kind as ChangeKind,
    cell: (r.cell_id as string | null) ?? null,
    services: (r.services as string[]) ?? [],
    summary: r.summary as string,
    actor: r.actor as string,
    link: (r.link as string | null) ?? null,
    before: r.before ?? null,
    after: r.after ?? null,
    source: r.source as string,
  };
}

/** Up to this many cells, each cell's rows are read in order from the (cell_id, at, id) index. */
export const FEW_CELLS = 8;

/**
 * The statement for a filter whose cells are resolved (`cells` null: the whole fleet). For a few
 * cells it is the union of two ordered index scans — the cells' own rows, and the rows for every
 * cell (a partial index) — merged and cut at the page size; for the whole fleet, or many cells, one
 * scan of the (at, id) index, newest first, stopping at the page size.
 */
export function changesSql(f: Omit<ChangeFilter, "cells" | "tiers" | "regions">, cells: readonly string[] | null) {
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const common: string[] = [];
  if (f.since) common.push(`at >= ${p(f.since)}`);
  if (f.until) common.push(`at < ${p(f.until)}`);
  if (f.kinds.length) common.push(`kind = ANY(${p(f.kinds)}::text[])`);
  if (f.services.length) common.push(`(services = '{}' OR services && ${p(f.services)}::text[])`);
  if (f.actor) common.push(`actor = ${p(f.actor)}`);
  if (f.cursor) common.push(`(at, id) < (${p(f.cursor.at)}::timestamptz, ${p(f.cursor.id)}::bigint)`);
  const tail = `ORDER BY at DESC, id DESC LIMIT ${p(f.limit + 1)}`;
  const where = (extra: string[]) => {
    const all = [...extra, ...common];
    return all.length ? `WHERE ${all.join(" AND ")}` : "";
  };
  if (cells === null) return { text: `SELECT ${COLUMNS} FROM change_events ${where([])} ${tail}`, params };
  const list = `${p(cells)}::text[]`;
  if (cells.length > FEW_CELLS)
    return { text: `SELECT ${COLUMNS} FROM change_events ${where([`(cell_id = ANY(${list}) OR cell_id IS NULL)`])} ${tail}`, params };
  return {
    text: `SELECT * FROM (
      (SELECT ${COLUMNS} FROM change_events ${where([`cell_id = ANY(${list})`])} ${tail})
      UNION ALL
      (SELECT ${COLUMNS} FROM change_events ${where(["cell_id IS NULL"])} ${tail})
    ) u ${tail}`,
    params,
  };
}

/** The filter's cells: its list, narrowed to its tiers and regions (null: no cell filter at all). */
export async function resolveCells(sql: Sql, f: Pick<ChangeFilter, "cells" | "tiers" | "regions">): Promise<string[] | null> {
  if (f.tiers.length === 0 && f.regions.length === 0) return f.cells.length ? [...f.cells] : null;
  const conds: string[] = [];
  const params: unknown[] = [];
  if (f.tiers.length) conds.push(`tier::text = ANY($${params.push(f.tiers)}::text[])`);
  if (f.regions.length) conds.push(`region = ANY($${params.push(f.regions)}::text[])`);
  if (f.cells.length) conds.push(`id = ANY($${params.push(f.cells)}::text[])`);
  const rows = await sql(`SELECT id FROM cells WHERE ${conds.join(" AND ")} ORDER BY id`, params);
  return rows.map((r) => r.id as string);
}

export interface ChangePage {
  changes: Change[];
  nextCursor: string | null;
}

export async function selectChanges(sql: Sql, f: ChangeFilter): Promise<ChangePage> {
  const q = changesSql(f, await resolveCells(sql, f));
  const rows = (await sql(q.text, q.params)).map(toChange);
  const more = rows.length > f.limit;
  const changes = more ? rows.slice(0, f.limit) : rows;
  const last = changes[changes.length - 1];
  return { changes, nextCursor: more && last ? encodeCursor({ at: last.at, id: last.id }) : null };
}

export const NO_FILTER: Omit<ChangeFilter, "limit"> = { cells: [], services: [], kinds: [], tiers: [], regions: [] };

/** At most this many changes are ranked for one "what changed?". */
export const WHAT_CHANGED_MAX = 200;

/**
 * "What changed?" before `start` (an alert's first firing, a service turning red, a wave failing):
 * the changes on `focus.cells` (and on every cell) in the `minutes` before it, ranked.
 */
export async function whatChanged(sql: Sql, focus: Focus, start: Date, minutes: number): Promise<Ranked<Change>[]> {
  const w = windowBefore(start, minutes);
  const { changes } = await selectChanges(sql, {
    ...NO_FILTER,
    cells: [...focus.cells],
    since: w.since,
    until: new Date(w.until.getTime() + 1),
    limit: WHAT_CHANGED_MAX,
  });
  return rankChanges(changes, focus);
}

/**
 * "What changed?" for a notification (a failed wave): the ranked list as text lines under the rule,
 * and as data for webhooks that read JSON.
 */
export async function whatChangedNote(tx: Tx, focus: Focus, start: Date, minutes = DEFAULT_WINDOW_MIN) {
  const ranked = await whatChanged(txSql(tx), focus, start, minutes);
  const lines = rankedLines(ranked, 8);
  return {
    text: [
      `What changed in the ${minutes} min before (${RANKING_RULE.charAt(0).toLowerCase()}${RANKING_RULE.slice(1)}):`,
      ...(lines.length ? lines : ["nothing on these cells."]),
    ].join("\n"),
    changes: ranked.slice(0, 20).map((r) => ({
      at: r.change.at.toISOString(),
      kind: r.change.kind,
      cell: r.change.cell,
      services: r.change.services,
      summary: r.change.summary,
      link: r.change.link,
      why: r.why,
    })),
  };
}
