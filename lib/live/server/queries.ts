import "server-only";
// The stamps of the live views (lib/live/views.ts): for each, the smallest read that changes
// exactly when what the page shows changes — counts and latest times of the rows it renders, or,
// where time alone changes the answer (a flag's scheduled step, a capability), the computed state.
import { db } from "@/lib/db";
import { flagsOverview } from "@/lib/flags/server/queries";
import { gatewayOverview } from "@/lib/gateway/server/queries";
import { type LiveStamp, type LiveView, stampOf } from "../views";

type Row = Record<string, unknown>;
const one = async (rows: Promise<Row[]>) => (await rows)[0] ?? null;

const STAMPS: Record<LiveView, (id: string | null, now: Date) => Promise<unknown>> = {
  // Which alerts fire, which resolved, who acknowledged what; silences (and which are in force now)
  // and the alert notifications' delivery log.
  alerts: (_id, now) =>
    one(
      db().$queryRaw`SELECT count(*) FILTER (WHERE status = 'firing') AS firing, max(id) AS last, max(resolved_at) AS resolved,
                            max(acknowledged_at) AS acked, count(*) FILTER (WHERE status = 'firing' AND acknowledged_at IS NOT NULL) AS acks,
                            (SELECT count(*) || ':' || coalesce(max(id), 0) || ':' || max(ends_at) || ':' ||
                                    count(*) FILTER (WHERE starts_at <= ${now} AND ends_at > ${now}) FROM silences) AS silences,
                            (SELECT count(*) || ':' || coalesce(sum(attempts), 0) || ':' || count(*) FILTER (WHERE status = 'sent')
                               FROM deliveries WHERE kind = 'alert') AS notified
                       FROM alerts`,
    ),
  releases: () => one(db().$queryRaw`SELECT count(*) AS n, max(updated_at) AS at, sum(version) AS v FROM releases`),
  // The release's document, what its cells run, its deliveries, checks and decisions.
  release: (id) =>
    one(
      db().$queryRaw`SELECT r.version, r.updated_at,
             (SELECT max(cs.updated_at) FROM cell_services cs
               WHERE cs.cell_id IN (SELECT jsonb_array_elements_text(w->'cells') FROM jsonb_array_elements(r.doc->'waves') w)) AS cells,
             (SELECT count(*) || ':' || coalesce(sum(attempts), 0) || ':' || count(*) FILTER (WHERE status = 'sent') FROM deliveries d WHERE d.release_id = r.id) AS deliveries,
             (SELECT count(*) FROM release_check_results c WHERE c.release_id = r.id) AS checks,
             (SELECT count(*) FROM release_approvals a WHERE a.release_id = r.id) AS approvals
        FROM releases r WHERE r.id = ${id}`,
    ),
  migrations: () =>
    one(
      db().$queryRaw`SELECT count(*) AS n, max(updated_at) AS at, sum(version) AS v,
                            (SELECT max(updated_at) FROM migration_cells) AS cells FROM schema_migration_runs`,
    ),
  migration: (id) =>
    one(
      db().$queryRaw`SELECT r.version, r.updated_at,
             (SELECT max(updated_at) || ':' || sum(rows_done) FROM migration_cells c WHERE c.run_id = r.id) AS cells,
             (SELECT count(*) FROM migration_approvals a WHERE a.run_id = r.id) AS approvals
        FROM schema_migration_runs r WHERE r.id = ${id}`,
    ),
  // The percentage in force changes when a scheduled step's time comes, with no write at all.
  flags: async (_id, now) =>
    (await flagsOverview(now)).map((r) => [r.flag.key, r.flag.version, r.effective.percentage, r.next?.at ?? null]),
  // …and its change requests (proposed, decided).
  flag: async (id, now) => [
    ...(await flagsOverview(now)).filter((r) => r.flag.key === id).map((r) => [r.flag.version, r.effective.percentage, r.next?.at ?? null]),
    await one(
      db().$queryRaw`SELECT count(*) AS n, max(id) AS last, max(decided_at) AS decided FROM flag_change_requests WHERE flag_key = ${id}`,
    ),
  ],
  // Readiness moves with what cells run and report, not only with the table's version.
  gateway: async (_id, now) => {
    const g = await gatewayOverview(now);
    return [g.version.version, g.cellRouter.version, g.routes.map((r) => [r.key, r.route.revision, r.readiness.cells.map((c) => c.state)])];
  },
  audit: () => one(db().$queryRaw`SELECT max(id) AS last FROM audit_events`),
};

/** The stamp of a view now (for the page that renders it, and for GET /api/v1/live/{view}). */
export async function liveStamp(view: LiveView, id: string | null = null, now = new Date()): Promise<LiveStamp> {
  return { view, id, stamp: stampOf(await STAMPS[view](id, now)), at: now.toISOString() };
}
