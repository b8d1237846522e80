import "server-only";
// Reads for the change pages, the cell view (timeline, chart markers, "what changed?", the state
// card), the alerts page and GET /api/v1/changes.
import { db, pool } from "@/lib/db";
import { listFlags } from "@/lib/flags/server/store";
import { STALE_AFTER_MS } from "@/lib/gateway/model";
import { parseReleaseDoc } from "@/lib/rollouts/release-doc";
import { parseRunDoc } from "@/lib/schema-migrations/run-doc";
import type { ChangeFilter } from "../model";
import type { Focus } from "../rank";
import { cellCard } from "../state-card";
import { poolSql, selectChanges, whatChanged } from "./read";
import { homesOf } from "./store";

export { NO_FILTER } from "./read";
export type { ChangePage } from "./read";

export const listChanges = (f: ChangeFilter) => selectChanges(poolSql(pool()), f);

/** "What changed?" on `focus` in the `minutes` before `start`, ranked. */
export const whatChangedBefore = (focus: Focus, start: Date, minutes: number) => whatChanged(poolSql(pool()), focus, start, minutes);

/** Everything that answers a filter's selects: cells, regions, actors seen lately. */
export async function changeFilterOptions() {
  const [cells, actors] = await Promise.all([
    db().cell.findMany({ where: { status: { not: "retired" } }, select: { id: true, region: true }, orderBy: { id: "asc" } }),
    pool().query<{ actor: string }>(
      `SELECT DISTINCT actor FROM (SELECT actor FROM change_events ORDER BY at DESC, id DESC LIMIT 2000) r ORDER BY actor`,
    ),
  ]);
  return {
    cells: cells.map((c) => c.id),
    regions: [...new Set(cells.map((c) => c.region))].sort(),
    actors: actors.rows.map((r) => r.actor),
  };
}

async function gatesOn(cellId: string) {
  const [releases, runs] = await Promise.all([
    db().release.findMany({ where: { status: "awaiting_approval" }, select: { id: true, title: true, doc: true } }),
    db().schemaMigrationRun.findMany({ where: { status: "awaiting_approval" }, select: { id: true, doc: true } }),
  ]);
  const gates: { kind: "release" | "migration"; id: string; title: string; since: Date | null }[] = [];
  for (const r of releases) {
    const doc = parseReleaseDoc(r.doc, r.id);
    const w = doc.waves[doc.current];
    if (w?.cells.includes(cellId))
      gates.push({ kind: "release", id: r.id, title: `${r.title} · wave ${w.name}`, since: new Date(w.since) });
  }
  for (const r of runs) {
    const doc = parseRunDoc(r.doc, r.id);
    for (const p of doc.phases)
      for (const s of p.steps)
        if (s.state === "awaiting_approval" && s.cells.includes(cellId))
          gates.push({
            kind: "migration",
            id: r.id,
            title: `${r.id} · ${p.name}${s.confirmRequired ? " (point of no return)" : ""}`,
            since: null,
          });
  }
  return gates;
}

async function migrationsOn(cellId: string) {
  const rows = await db().migrationCell.findMany({
    where: { cellId, run: { status: { in: ["running", "awaiting_approval", "rolling_back", "failed"] } } },
    select: { phase: true, status: true, run: { select: { id: true, status: true, currentPhase: true } } },
  });
  const byRun = new Map<
    string,
    { id: string; status: string; currentPhase: string | null; cellPhase: string | null; cellStatus: string | null }
  >();
  for (const r of rows) {
    const entry = byRun.get(r.run.id) ?? {
      id: r.run.id,
      status: r.run.status,
      currentPhase: r.run.currentPhase,
      cellPhase: null,
      cellStatus: null,
    };
    if (r.phase === r.run.currentPhase) {
      entry.cellPhase = r.phase;
      entry.cellStatus = r.status;
    }
    byRun.set(r.run.id, entry);
  }
  return [...byRun.values()];
}

/** The cell state card: code, flags, API versions, migrations, gates, freezes and windows in force. */
export async function cellState(cellId: string, now: Date) {
  const cell = await db().cell.findUnique({ where: { id: cellId }, select: { id: true, tier: true, region: true } });
  if (!cell) return null;
  const [services, flags, caps, routes, migrations, gates, freezes, windows] = await Promise.all([
    db().cellService.findMany({
      where: { cellId },
      select: { serviceId: true, desiredVersion: true, observedVersion: true },
      orderBy: { service: { sortOrder: "asc" } },
    }),
    listFlags(db()),
    db().apiCapability.findMany({ where: { cellId } }),
    db().gatewayRoute.findMany({ select: { serviceId: true, version: true, status: true, method: true, path: true } }),
    migrationsOn(cellId),
    gatesOn(cellId),
    db().freeze.findMany({ where: { startsAt: { lte: now }, endsAt: { gt: now } } }),
    db().maintenanceWindow.findMany({ where: { scope: { in: [cell.id, `tier:${cell.tier}`] } } }),
  ]);
  const homes = await homesOf(
    db(),
    flags.flatMap((f) => f.allowlist),
  );
  return cellCard(
    {
      cell,
      services: services.map((s) => ({ service: s.serviceId, desiredVersion: s.desiredVersion, observedVersion: s.observedVersion })),
      flags,
      homes,
      capabilities: caps.map((c) => ({ service: c.serviceId, apiVersion: c.apiVersion, lastReportedAt: c.lastReportedAt })),
      routes: routes.map((r) => ({ service: r.serviceId, version: r.version, status: r.status, key: `${r.method} ${r.path}` })),
      migrations,
      gates,
      freezes: freezes.map((f) => ({ id: f.id.toString(), endsAt: f.endsAt, reason: f.reason })),
      windows: windows.map((w) => ({ ...w, id: w.id.toString() })),
      staleAfterMs: STALE_AFTER_MS,
    },
    now,
  );
}
