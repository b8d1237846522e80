// Writing the change log (no `server-only`: the CLI and seeds write audit events, hence changes).
// Changes are derived, never edited: the door derives them from the audit events it writes, two
// triggers from observed versions and migration cell phases, the projector from time passing.
import type { Db, Tx } from "@/lib/db/client";
import { listFlags } from "@/lib/flags/server/store";
import type { Flag } from "@/lib/flags/model";
import { type CellRef, type FlagCellState, type FlagChangeMeta, flagCellStates, flagStateChanges } from "../flag-states";
import type { ChangeInput } from "../model";

type Reader = Db | Tx;

/** Record changes; one whose source, cell and services are already recorded is skipped. */
export async function insertChanges(tx: Reader, changes: readonly ChangeInput[]): Promise<number> {
  if (changes.length === 0) return 0;
  const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));
  const n = await tx.$executeRaw`
    INSERT INTO change_events (at, kind, cell_id, services, summary, actor, link, before, after, source)
    SELECT t.at, t.kind, t.cell_id, ARRAY(SELECT jsonb_array_elements_text(t.services)), t.summary, t.actor, t.link, t.before::jsonb,
           t.after::jsonb, t.source
      FROM unnest(${changes.map((c) => c.at)}::timestamptz[], ${changes.map((c) => c.kind)}::text[], ${changes.map((c) => c.cell)}::text[],
                  ${changes.map((c) => JSON.stringify(c.services))}::jsonb[], ${changes.map((c) => c.summary)}::text[],
                  ${changes.map((c) => c.actor)}::text[], ${changes.map((c) => c.link)}::text[], ${changes.map((c) => json(c.before))}::text[],
                  ${changes.map((c) => json(c.after))}::text[], ${changes.map((c) => c.source)}::text[])
        AS t(at, kind, cell_id, services, summary, actor, link, before, after, source)
    ON CONFLICT DO NOTHING`;
  return n;
}

/** Live cells (not retired) with what flag targeting looks at. */
export async function liveCells(db: Reader): Promise<CellRef[]> {
  return db.cell.findMany({
    where: { status: { not: "retired" } },
    select: { id: true, tier: true, region: true },
    orderBy: { id: "asc" },
  });
}

/** The home cell of each of these customers (unknown ones are left out). */
export async function homesOf(db: Reader, customerIds: readonly string[]): Promise<Record<string, string>> {
  if (customerIds.length === 0) return {};
  const rows = await db.customer.findMany({ where: { id: { in: [...new Set(customerIds)] } }, select: { id: true, homeCellId: true } });
  return Object.fromEntries(rows.map((r) => [r.id, r.homeCellId]));
}

async function recordedStates(tx: Reader, keys: readonly string[]): Promise<Map<string, Map<string, FlagCellState>>> {
  const rows = await tx.flagCellState.findMany({ where: { flagKey: { in: [...keys] } } });
  const out = new Map<string, Map<string, FlagCellState>>(keys.map((k) => [k, new Map()]));
  for (const r of rows) out.get(r.flagKey)?.set(r.cellId, { percentage: r.percentage, allowlisted: r.allowlisted });
  return out;
}

async function writeStates(tx: Reader, key: string, states: ReadonlyMap<string, FlagCellState>) {
  await tx.flagCellState.deleteMany({ where: { flagKey: key } });
  if (states.size)
    await tx.flagCellState.createMany({
      data: [...states].map(([cellId, s]) => ({ flagKey: key, cellId, percentage: s.percentage, allowlisted: s.allowlisted })),
    });
}

/**
 * Compare these flags' state per cell now with the state recorded, record the new state, and return
 * one change per cell that differs. Locks the flags' rows (two writers → one comparison at a time).
 * `baseline`: record the state without returning changes (the first pass over flags that existed
 * before the change log).
 */
export async function syncFlagStates(
  tx: Tx,
  keys: readonly string[],
  now: Date,
  meta: (flag: Flag) => Omit<FlagChangeMeta, "key">,
  opts: { baseline?: boolean } = {},
): Promise<ChangeInput[]> {
  if (keys.length === 0) return [];
  const sorted = [...new Set(keys)].sort();
  await tx.$queryRaw`SELECT key FROM feature_flags WHERE key = ANY(${sorted}::text[]) ORDER BY key FOR UPDATE`;
  const flags = (await listFlags(tx)).filter((f) => sorted.includes(f.key));
  const [cells, homes, before] = await Promise.all([
    liveCells(tx),
    homesOf(
      tx,
      flags.flatMap((f) => f.allowlist),
    ),
    recordedStates(tx, sorted),
  ]);
  const out: ChangeInput[] = [];
  for (const flag of flags) {
    const prev = before.get(flag.key) ?? new Map<string, FlagCellState>();
    const next = flagCellStates(flag, cells, homes, now);
    const changes = flagStateChanges(prev, next, { key: flag.key, ...meta(flag) });
    if (changes.length === 0 && prev.size === next.size) continue;
    await writeStates(tx, flag.key, next);
    if (!opts.baseline) out.push(...changes);
  }
  return out;
}
