// What a migration run's machine observes besides its own state, read in the transition's transaction:
// the releases of its deployment phases, the last schema check of each direct-mode cell, the fleet
// freeze in force, and — while a backfill may run — Fleet health's current status per cell
// (lib/health/server: the same reading as the heatmap's).
import type { Tx } from "@/lib/db/client";
import { loadFleetHealth } from "@/lib/health/server/store";
import { parseReleaseDoc } from "@/lib/rollouts/release-doc";
import { freezeInForce } from "@/lib/settings/freezes";
import { readSetting, SETTINGS } from "@/lib/settings/server/store";
import type { HealthStatus, Observations, RunState } from "../machine";

/** The releases the run's deployment phases started (and their rollbacks). */
async function releases(tx: Tx, state: RunState): Promise<Observations["releases"]> {
  const ids = state.doc.phases.flatMap((p) => [p.releaseId, p.rollbackReleaseId]).filter((x): x is string => !!x);
  if (!ids.length) return {};
  const rels = await tx.release.findMany({ where: { id: { in: ids } }, select: { id: true, status: true, doc: true } });
  return Object.fromEntries(
    rels.map((r) => {
      const d = parseReleaseDoc(r.doc, r.id);
      const status = r.status as Observations["releases"][string]["status"];
      return [r.id, { status, passedCells: d.waves.filter((w) => w.state === "PASSED").flatMap((w) => w.cells) }];
    }),
  );
}

/** Direct-mode cells' last schema checks: when, and the drift found. */
async function schemaChecks(tx: Tx, runId: string): Promise<Pick<Observations, "drift" | "schemaCheckedAt">> {
  const [direct, checks] = await Promise.all([
    tx.cellDatabase.findMany({ select: { cellId: true } }),
    tx.migrationSchemaCheck.findMany({ where: { runId }, select: { cellId: true, checkedAt: true, drift: true } }),
  ]);
  const byCell = new Map(checks.map((c) => [c.cellId, c]));
  const drift: Record<string, string> = {};
  const schemaCheckedAt: Record<string, string | null> = {};
  for (const { cellId } of direct) {
    const c = byCell.get(cellId);
    schemaCheckedAt[cellId] = c?.checkedAt.toISOString() ?? null;
    if (c?.drift) drift[cellId] = c.drift;
  }
  return { drift, schemaCheckedAt };
}

/** Whether a backfill is running or may start: only then is Fleet health read. */
const backfilling = (state: RunState) =>
  state.doc.phases.some(
    (p) =>
      p.type === "data" && Object.values(state.cells).some((byPhase) => ["pending", "running"].includes(byPhase[p.name]?.status ?? "")),
  );

/** Fleet health's status per cell now (the worst of its services), through the transaction. */
async function health(tx: Tx, now: Date): Promise<Record<string, HealthStatus>> {
  const thresholds = (await readSetting(tx, SETTINGS.thresholds)).value;
  const pool = {
    query: async (sql: string) => ({ rows: await tx.$queryRawUnsafe(sql) }),
  } as unknown as Parameters<typeof loadFleetHealth>[0];
  const fleet = await loadFleetHealth(pool, thresholds, now);
  return Object.fromEntries(fleet.cells.map((c) => [c.id, c.status]));
}

export async function observe(tx: Tx, runId: string, state: RunState, now: Date): Promise<Observations> {
  const forward = state.doc.status === "running" || state.doc.status === "awaiting_approval";
  const [rel, checks, cellHealth, freezes] = await Promise.all([
    releases(tx, state),
    forward ? schemaChecks(tx, runId) : Promise.resolve({}),
    forward && backfilling(state) ? health(tx, now) : Promise.resolve(undefined),
    forward ? tx.freeze.findMany({ where: { startsAt: { lte: now }, endsAt: { gt: now } } }) : Promise.resolve([]),
  ]);
  return { releases: rel, ...checks, health: cellHealth, freeze: freezeInForce(freezes, now) };
}
