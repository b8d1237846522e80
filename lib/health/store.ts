// Telemetry storage and current-state reads. Set-based SQL on a raw pool: one ingest batch is a
// handful of statements whatever its size, and the heatmap reads only current-state rows.
import type pg from "pg";
import { classify, worst, statusSince, type Status } from "./classify";
import { pairUpdates } from "./current-state";
import type { Sample } from "./telemetry";
import type { Thresholds } from "./thresholds";

export type Queryable = Pick<pg.Pool, "query" | "connect">;

export interface IngestOutcome {
  received: number;
  stored: number;
  duplicates: number;
  versionChanges: { cell: string; service: string; from: string | null; to: string }[];
}

export class UnknownTargetsError extends Error {
  constructor(public readonly cells: string[], public readonly services: string[], public readonly pairs: string[]) {
    super("unknown cells or services");
  }
}

/**
 * Store a validated batch atomically: samples, current state, versions, capabilities. (5-minute
 * rollups are computed from the samples by the background job `health.rollups`: see rollups.ts.)
 *
 * Four round trips whatever the batch size: BEGIN; one statement that checks the targets and locks
 * the batch's current-state rows in (cell, service) order; one statement whose data-modifying CTEs
 * write every table; COMMIT. Every other row a batch writes (cell × service version,
 * capability) belongs to one of those locked pairs, so two batches that share pairs queue on the
 * first shared pair instead of deadlocking. (A pair's very first sample has no row to lock yet.)
 */
const capabilityCaches = new WeakMap<object, Map<string, { versions: string; at: number }>>();
function capabilityCache(pool: object) {
  let m = capabilityCaches.get(pool);
  if (!m) capabilityCaches.set(pool, (m = new Map()));
  return m;
}

export async function ingestSamples(pool: Queryable, samples: Sample[], t: Thresholds, source = "telemetry"): Promise<IngestOutcome> {
  const updates = pairUpdates(samples, t);
  const u = updates;
  const client = await pool.connect();
  try {
    // Telemetry is a stream: a database crash may lose the last fraction of a second of samples
    // (the next samples replace them), so these commits do not wait for the WAL flush.
    await client.query("BEGIN; SET LOCAL synchronous_commit = off");
    // Unknown or retired cells / services, and pairs not in the registry, refuse the batch.
    const check = await client.query<{ kind: "cell" | "service" | "pair" | "version" | "locked"; id: string; s: string | null }>({
      // Named: PostgreSQL parses and plans it once per connection, not once per batch.
      name: "cellplane.ingest.check",
      text: `WITH input AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS t(c, s, ver)),
       locked AS MATERIALIZED (
         SELECT 1 FROM service_health h JOIN input ON h.cell_id = input.c AND h.service_id = input.s
          ORDER BY h.cell_id, h.service_id FOR UPDATE OF h
       )
       SELECT 'cell' AS kind, c AS id, NULL AS s FROM (SELECT DISTINCT c FROM input) x
        WHERE NOT EXISTS (SELECT 1 FROM cells WHERE id = x.c AND status <> 'retired')
       UNION ALL
       SELECT 'service', s, NULL FROM (SELECT DISTINCT s FROM input) x WHERE NOT EXISTS (SELECT 1 FROM services WHERE id = x.s)
       UNION ALL
       SELECT CASE WHEN cs.cell_id IS NULL THEN 'pair' ELSE 'version' END, input.c, input.s
         FROM input LEFT JOIN cell_services cs ON cs.cell_id = input.c AND cs.service_id = input.s
        WHERE cs.cell_id IS NULL OR (input.ver IS NOT NULL AND cs.observed_version IS DISTINCT FROM input.ver)
       UNION ALL
       SELECT 'locked', count(*)::text, NULL FROM locked`,
      values: [u.map((x) => x.cell), u.map((x) => x.service), u.map((x) => x.version?.value ?? null)],
    });
    const of = (kind: string) => check.rows.filter((r) => r.kind === kind);
    const badCells = of("cell").map((r) => r.id).sort();
    const badServices = of("service").map((r) => r.id).sort();
    if (badCells.length || badServices.length) throw new UnknownTargetsError(badCells, badServices, []);
    const missing = of("pair").map((r) => `${r.id}/${r.s}`).sort();
    if (missing.length) throw new UnknownTargetsError([], [], missing);

    // Only pairs whose reported version differs from the registry's go to the version step. The
    // locks above keep other batches of these pairs out until this one commits.
    const changed = new Set(of("version").map((r) => `${r.id}\u0000${r.s}`));
    const versioned = u.filter((x) => x.version && changed.has(`${x.cell}\u0000${x.service}`));
    const allHaveState = Number(of("locked")[0]?.id ?? 0) === u.length;
    // Capabilities change rarely but are reported with every sample: a pair whose versions this
    // instance wrote less than a minute ago is skipped (last_reported_at is kept to a minute).
    const seen = capabilityCache(pool);
    const capPairs = u.filter((x) => {
      if (!x.apiVersions) return false;
      const prev = seen.get(`${x.cell}\u0000${x.service}`);
      const ts = x.apiVersions.ts.getTime();
      return !prev || prev.versions !== x.apiVersions.values.join(",") || ts < prev.at || ts - prev.at >= 60_000;
    });
    const caps = capPairs.flatMap((x) => x.apiVersions!.values.map((v) => ({ c: x.cell, s: x.service, v, ts: x.apiVersions!.ts })));
    const iso = (d: Date) => d.toISOString();
    const r = await client.query<{ stored: string; changes: { cell_id: string; service_id: string; from_version: string | null; to_version: string }[] }>({
      name: "cellplane.ingest.write",
      text: `WITH input AS (
         SELECT DISTINCT ON (cell_id, service_id, ts) *
           FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::text[])
             AS t(cell_id, service_id, ts, error_rate, p99_ms, cpu, rps, version)
       ),
       ins AS (
         INSERT INTO health_samples (cell_id, service_id, ts, error_rate, p99_ms, cpu, rps, version)
         SELECT * FROM input ON CONFLICT DO NOTHING
         RETURNING 1
       ),
       t AS (
         SELECT * FROM unnest($9::text[], $10::text[], $11::timestamptz[], $12::float8[], $13::float8[], $14::float8[], $15::float8[],
                              $16::text[], $17::timestamptz[], $18::bool[], $19::timestamptz[], $20::bool[], $21::timestamptz[], $22::bool[])
           AS t(c, s, ts, e, p, cpu, r, st, st_start, st_whole, eb, eb_whole, lb, lb_whole)
       ),
       upd AS (
         UPDATE service_health h SET
           last_sample_at = t.ts, error_rate = t.e, p99_ms = t.p, cpu = t.cpu, rps = t.r, status = t.st::"HealthStatus",
           status_since = CASE WHEN t.st_whole AND h.status = t.st::"HealthStatus" THEN h.status_since ELSE t.st_start END,
           error_breach_since = CASE WHEN t.eb IS NULL THEN NULL WHEN t.eb_whole THEN coalesce(h.error_breach_since, t.eb) ELSE t.eb END,
           latency_breach_since = CASE WHEN t.lb IS NULL THEN NULL WHEN t.lb_whole THEN coalesce(h.latency_breach_since, t.lb) ELSE t.lb END
         FROM t WHERE h.cell_id = t.c AND h.service_id = t.s AND h.last_sample_at < t.ts
       ),
       first_state AS (
         INSERT INTO service_health (cell_id, service_id, last_sample_at, error_rate, p99_ms, cpu, rps, status, status_since, error_breach_since, latency_breach_since)
         SELECT c, s, ts, e, p, cpu, r, st::"HealthStatus", st_start, eb, lb FROM t
          WHERE NOT $32::bool AND NOT EXISTS (SELECT 1 FROM service_health h WHERE h.cell_id = t.c AND h.service_id = t.s)
         ON CONFLICT (cell_id, service_id) DO NOTHING
       ),
       v AS (
         SELECT * FROM unnest($23::text[], $24::text[], $25::text[], $26::timestamptz[]) AS t(c, s, ver, ts)
       ),
       old AS (
         SELECT cs.cell_id, cs.service_id, cs.observed_version AS from_version, v.ver, v.ts
           FROM cell_services cs JOIN v ON cs.cell_id = v.c AND cs.service_id = v.s
          WHERE cs.observed_version IS DISTINCT FROM v.ver
          ORDER BY cs.cell_id, cs.service_id
            FOR UPDATE OF cs
       ),
       version_upd AS (
         UPDATE cell_services cs SET observed_version = old.ver, updated_at = now()
           FROM old WHERE cs.cell_id = old.cell_id AND cs.service_id = old.service_id
       ),
       events AS (
         INSERT INTO deployment_events (cell_id, service_id, from_version, to_version, at, source)
         SELECT cell_id, service_id, from_version, ver, ts, $27 FROM old
       ),
       -- last_reported_at is kept to within a minute: a capability reported every few seconds is
       -- rewritten once a minute, and its row is not even locked in between.
       caps AS (
         INSERT INTO api_capabilities AS a (cell_id, service_id, api_version, first_reported_at, last_reported_at)
         SELECT c, s, v, ts, ts FROM unnest($28::text[], $29::text[], $30::text[], $31::timestamptz[]) AS t(c, s, v, ts)
          WHERE NOT EXISTS (
            SELECT 1 FROM api_capabilities a
             WHERE a.cell_id = t.c AND a.service_id = t.s AND a.api_version = t.v
               AND a.first_reported_at <= t.ts AND t.ts < a.last_reported_at + interval '1 minute'
          )
          ORDER BY c, s, v
         ON CONFLICT (cell_id, service_id, api_version) DO UPDATE SET
           first_reported_at = least(a.first_reported_at, excluded.first_reported_at),
           last_reported_at = greatest(a.last_reported_at, excluded.last_reported_at)
         WHERE excluded.first_reported_at < a.first_reported_at
            OR excluded.last_reported_at >= a.last_reported_at + interval '1 minute'
       )
       SELECT (SELECT count(*) FROM ins) AS stored,
              (SELECT coalesce(json_agg(json_build_object('cell_id', cell_id, 'service_id', service_id, 'from_version', from_version, 'to_version', ver)
                                        ORDER BY cell_id, service_id), '[]'::json) FROM old) AS changes`,
      values: [
        samples.map((x) => x.cell), samples.map((x) => x.service), samples.map((x) => iso(x.ts)), samples.map((x) => x.errorRate),
        samples.map((x) => x.p99Ms), samples.map((x) => x.cpu), samples.map((x) => x.rps), samples.map((x) => x.version ?? null),
        u.map((x) => x.cell), u.map((x) => x.service), u.map((x) => iso(x.last.ts)), u.map((x) => x.last.errorRate),
        u.map((x) => x.last.p99Ms), u.map((x) => x.last.cpu), u.map((x) => x.last.rps), u.map((x) => x.status),
        u.map((x) => iso(x.statusRunStart)), u.map((x) => x.statusRunWhole),
        u.map((x) => (x.errorBreachStart ? iso(x.errorBreachStart) : null)), u.map((x) => x.errorBreachWhole),
        u.map((x) => (x.latencyBreachStart ? iso(x.latencyBreachStart) : null)), u.map((x) => x.latencyBreachWhole),
        versioned.map((x) => x.cell), versioned.map((x) => x.service), versioned.map((x) => x.version!.value), versioned.map((x) => iso(x.version!.ts)),
        source,
        caps.map((x) => x.c), caps.map((x) => x.s), caps.map((x) => x.v), caps.map((x) => iso(x.ts)),
        allHaveState,
      ],
    });
    await client.query("COMMIT");
    for (const x of capPairs) seen.set(`${x.cell}\u0000${x.service}`, { versions: x.apiVersions!.values.join(","), at: x.apiVersions!.ts.getTime() });
    const stored = Number(r.rows[0]!.stored);
    const versionChanges = r.rows[0]!.changes.map((x) => ({ cell: x.cell_id, service: x.service_id, from: x.from_version, to: x.to_version }));
    return { received: samples.length, stored, duplicates: samples.length - stored, versionChanges };
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}

export interface ServiceState {
  service: string;
  status: Status;
  reasons: string[];
  since: string | null;
  lastSampleAt: string | null;
  errorRate: number | null;
  p99Ms: number | null;
  cpu: number | null;
  rps: number | null;
  observedVersion: string | null;
  desiredVersion: string | null;
}

export interface CellState {
  id: string;
  tier: string;
  region: string;
  status: Status;
  services: ServiceState[];
}

export interface FleetHealth {
  generatedAt: string;
  services: string[];
  counts: Record<Status, number>;
  cells: CellState[];
}

const TIER_ORDER: Record<string, number> = { canary: 0, smb: 1, enterprise: 2 };
/** smb-us-2 before smb-us-10. One collator: `localeCompare` with options builds one per call (~25 ms for 1,000 cells). */
const CELL_ID_ORDER = new Intl.Collator("en", { numeric: true });

/** Every active cell × service with its status at `now`: the heatmap's data, one query on current state. */
export async function loadFleetHealth(pool: Pick<pg.Pool, "query">, t: Thresholds, now: Date): Promise<FleetHealth> {
  const [{ rows }, svc] = await Promise.all([
    pool.query<{
      id: string; tier: string; region: string; service_id: string; observed_version: string | null; desired_version: string | null;
      last_sample_at: Date | null; error_rate: number | null; p99_ms: number | null; cpu: number | null; rps: number | null;
      status: Status | null; status_since: Date | null;
    }>(
      `SELECT c.id, c.tier::text AS tier, c.region, cs.service_id, cs.observed_version, cs.desired_version,
              h.last_sample_at, h.error_rate, h.p99_ms, h.cpu, h.rps, h.status::text AS status, h.status_since
         FROM cells c
         JOIN cell_services cs ON cs.cell_id = c.id
         LEFT JOIN service_health h ON h.cell_id = cs.cell_id AND h.service_id = cs.service_id
        WHERE c.status <> 'retired'`,
    ),
    pool.query<{ id: string }>(`SELECT id FROM services ORDER BY sort_order, id`),
  ]);
  const serviceOrder = new Map(svc.rows.map((r, i) => [r.id, i]));
  const byCell = new Map<string, CellState>();
  for (const r of rows) {
    let cell = byCell.get(r.id);
    if (!cell) {
      cell = { id: r.id, tier: r.tier, region: r.region, status: "no_data", services: [] };
      byCell.set(r.id, cell);
    }
    const reading = r.last_sample_at ? { errorRate: r.error_rate!, p99Ms: r.p99_ms!, cpu: r.cpu! } : null;
    const c = classify(reading, r.last_sample_at, now, t);
    const since = statusSince(c, r.status && r.status_since ? { status: r.status, since: r.status_since } : null, r.last_sample_at, t);
    cell.services.push({
      service: r.service_id, status: c.status, reasons: c.reasons, since: since?.toISOString() ?? null,
      lastSampleAt: r.last_sample_at?.toISOString() ?? null, errorRate: r.error_rate, p99Ms: r.p99_ms, cpu: r.cpu, rps: r.rps,
      observedVersion: r.observed_version, desiredVersion: r.desired_version,
    });
  }
  const counts: Record<Status, number> = { green: 0, yellow: 0, red: 0, no_data: 0 };
  const cells = [...byCell.values()];
  for (const cell of cells) {
    cell.services.sort((a, b) => (serviceOrder.get(a.service) ?? 99) - (serviceOrder.get(b.service) ?? 99));
    cell.status = worst(cell.services.map((s) => s.status));
    counts[cell.status]++;
  }
  cells.sort((a, b) => (TIER_ORDER[a.tier] ?? 9) - (TIER_ORDER[b.tier] ?? 9) || a.region.localeCompare(b.region) || CELL_ID_ORDER.compare(a.id, b.id));
  return { generatedAt: now.toISOString(), services: svc.rows.map((r) => r.id), counts, cells };
}
