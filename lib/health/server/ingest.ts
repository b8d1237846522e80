// Telemetry ingest: one validated batch → samples, current state, observed versions and
// capabilities, atomically, in one statement (one round trip, one implicit transaction).
//
// What makes it cheap, per batch of 500 on a 2-core machine:
// - the registry (which cells, services and pairs exist, which pairs have current state) is held in
//   memory per pool and checked there; the statement writes only if the registry's generation —
//   bumped by triggers in the transaction of every change to it — is still the one checked against
//   (otherwise the registry is reloaded and the batch checked and sent again);
// - samples go in with a plain INSERT; only when that meets a key already stored (a re-sent batch)
//   does the statement run again in its careful form, which skips stored keys;
// - the version step and the first-state insert get only the few pairs that need them;
// - parameters are arrays in PostgreSQL's binary format, zipped into rows in a select list rather
//   than by unnest in FROM, which copies every array into a tuplestore first (lib/db/pg-array.ts);
// - with `state` (the app server's direct path), pairs that already have a current state get it
//   written behind the samples, coalesced, by a CurrentStateBuffer (state-buffer.ts): the statement
//   stores samples, first states, version changes and capabilities only.
import type pg from "pg";
import { TOKEN_VALID_SQL } from "@/lib/auth/server/tokens";
import { STALE_AFTER_MS } from "@/lib/gateway/model";
import { boolArray, float8Array, textArray, zipped } from "@/lib/db/pg-array";
import { byPair, pairKey, pairUpdates, type PairUpdate } from "../current-state";
import { type CurrentStateBuffer, runColumns } from "./state-buffer";
import type { Sample } from "../telemetry";
import type { Thresholds } from "../thresholds";

export type Queryable = Pick<pg.Pool, "query">;

export interface IngestOutcome {
  received: number;
  stored: number;
  duplicates: number;
  versionChanges: { cell: string; service: string; from: string | null; to: string }[];
}

export class UnknownTargetsError extends Error {
  constructor(
    public readonly cells: string[],
    public readonly services: string[],
    public readonly pairs: string[],
  ) {
    super("unknown cells or services");
  }
}

/** The batch's token was revoked (or expired, or lost its scope) after the caller checked it: nothing was stored. */
export class TokenRevokedError extends Error {
  constructor() {
    super("unknown or revoked token");
  }
}

export interface IngestOptions {
  /** Recorded as the source of deployment events. */
  source?: string;
  /** Re-checked inside the statement: a token revoked since the caller's check stores nothing. */
  token?: { hash: string; scope: string };
  now?: Date;
  /** false: update current state, versions and capabilities only, no history rows (the Prometheus source keeps history). */
  history?: boolean;
  /**
   * Write the current state of pairs that already have one behind the samples, through this buffer
   * (within its interval), instead of in the statement. Without it (in-process callers, tests)
   * current state is written in the statement, so it is readable as soon as this returns.
   */
  state?: CurrentStateBuffer;
}

/** A registered pair, as the registry in memory holds it: one lookup a pair answers every question a batch asks. */
interface RegisteredPair {
  /** A sample may name it: its cell is not retired and its service exists. */
  open: boolean;
  /** It has a current state row (else the statement writes its first one). */
  hasState: boolean;
}

interface Registry {
  generation: string;
  cells: Map<string, string>; // id → status
  services: Set<string>;
  pairs: Map<string, RegisteredPair>;
}

/** What this instance last wrote for a pair's version and capabilities (one entry a pair). */
interface PairMemo {
  /** Version last written or confirmed, and when: pairs reporting it again skip the version step for a minute. */
  version?: string;
  versionAt: number;
  /** API versions and the version reporting them, last written (last_reported_at is kept to within CAPABILITY_REFRESH_MS). */
  capabilities?: string[];
  capabilitiesBy?: string | null;
  capabilitiesAt: number;
}

function memoOf(st: PoolState, key: string): PairMemo {
  let m = st.memo.get(key);
  if (!m) st.memo.set(key, (m = { versionAt: Number.NaN, capabilitiesAt: Number.NaN }));
  return m;
}

/** The memo holds these capabilities: the same API versions, reported by the same version. */
function sameCapabilities(m: PairMemo, a: { values: string[]; reportedBy: string | null }): boolean {
  const v = m.capabilities;
  if (!v || v.length !== a.values.length || m.capabilitiesBy !== a.reportedBy) return false;
  for (let i = 0; i < v.length; i++) if (v[i] !== a.values[i]) return false;
  return true;
}

interface PoolState {
  registry?: Registry;
  loading?: Promise<Registry>;
  memo: Map<string, PairMemo>;
}

const states = new WeakMap<object, PoolState>();
function stateOf(pool: object): PoolState {
  let s = states.get(pool);
  if (!s) states.set(pool, (s = { memo: new Map() }));
  return s;
}

/** A batch's samples one array a field, times in epoch milliseconds. */
export interface SampleColumns {
  cell: readonly string[];
  service: readonly string[];
  ts: readonly number[];
  errorRate: readonly number[];
  p99Ms: readonly number[];
  cpu: readonly number[];
  rps: readonly number[];
  version: readonly (string | null | undefined)[];
}

/** The statement's samples parameters ($1–$8): one binary array a field (also the benchmark's raw insert). */
export const sampleColumnParams = (c: SampleColumns): Buffer[] => [
  textArray(c.cell),
  textArray(c.service),
  float8Array(c.ts),
  float8Array(c.errorRate),
  float8Array(c.p99Ms),
  float8Array(c.cpu),
  float8Array(c.rps),
  textArray(c.version),
];

/** A reported version is trusted to match the registry for this long after it was written or confirmed. */
const VERSION_TRUST_MS = 60_000;
/**
 * How fresh last_reported_at is kept: a third of the window after which readiness stops counting a
 * report (STALE_AFTER_MS, 15 minutes), so a cell still reporting never looks stale, while a
 * capability reported with every sample is rewritten once in five minutes rather than every minute.
 */
export const CAPABILITY_REFRESH_MS = STALE_AFTER_MS / 3;
const REFRESH = `interval '${CAPABILITY_REFRESH_MS / 1000} seconds'`;
/** deadlock_detected, serialization_failure: the statement changed nothing and can run again. */
const RETRYABLE = new Set(["40P01", "40001"]);
const UNIQUE_VIOLATION = "23505";

async function loadRegistry(pool: Queryable): Promise<Registry> {
  // One statement, one snapshot: the generation and the registry it describes.
  const { rows } = await pool.query<{
    generation: string | null;
    cells: [string, string][] | null;
    services: string[] | null;
    pairs: [string, string, boolean][] | null;
  }>(
    `SELECT (SELECT value FROM system_markers WHERE key = 'registry.generation') AS generation,
            (SELECT json_agg(json_build_array(id, status)) FROM cells) AS cells,
            (SELECT json_agg(id) FROM services) AS services,
            (SELECT json_agg(json_build_array(cs.cell_id, cs.service_id, h.cell_id IS NOT NULL))
               FROM cell_services cs LEFT JOIN service_health h ON h.cell_id = cs.cell_id AND h.service_id = cs.service_id) AS pairs`,
  );
  const r = rows[0]!;
  if (r.generation === null) {
    // The marker row is created by a migration; should it ever be deleted, start counting again.
    await pool.query(`INSERT INTO system_markers (key, value) VALUES ('registry.generation', '1') ON CONFLICT (key) DO NOTHING`);
    return loadRegistry(pool);
  }
  const cells = new Map(r.cells ?? []);
  const services = new Set(r.services ?? []);
  return {
    generation: r.generation,
    cells,
    services,
    pairs: new Map(
      (r.pairs ?? []).map(([c, s, hasState]) => [
        pairKey(c, s),
        { open: services.has(s) && (cells.get(c) ?? "retired") !== "retired", hasState },
      ]),
    ),
  };
}

async function generationNow(pool: Queryable): Promise<string | null> {
  const { rows } = await pool.query<{ value: string }>({
    name: "cellplane.registry.generation",
    text: `SELECT value FROM system_markers WHERE key = 'registry.generation'`,
  });
  return rows[0]?.value ?? null;
}

function registry(pool: Queryable, st: PoolState, stale?: Registry): Promise<Registry> {
  if (st.registry && st.registry !== stale) return Promise.resolve(st.registry);
  // One load at a time per pool, shared by every batch waiting for it.
  st.loading ??= loadRegistry(pool)
    .then((r) => (st.registry = r))
    .finally(() => (st.loading = undefined));
  return st.loading;
}

/**
 * The batch's pairs by whether they have a current state yet (one registry lookup a pair), or null
 * when one is not open to samples (unknownTargets says which).
 */
function splitByState(reg: Registry, u: PairUpdate[]): { firsts: PairUpdate[]; later: PairUpdate[] } | null {
  const firsts: PairUpdate[] = [],
    later: PairUpdate[] = [];
  for (const x of u) {
    const p = reg.pairs.get(x.key);
    if (!p?.open) return null;
    (p.hasState ? later : firsts).push(x);
  }
  return { firsts, later };
}

/** The batch's unknown (or retired) cells, unknown services, and pairs not in the registry; null when all are known. */
function unknownTargets(reg: Registry, u: PairUpdate[]): UnknownTargetsError | null {
  const cells = new Set<string>(),
    services = new Set<string>(),
    pairs: string[] = [];
  for (const x of u) {
    const status = reg.cells.get(x.cell);
    if (status === undefined || status === "retired") cells.add(x.cell);
    if (!reg.services.has(x.service)) services.add(x.service);
    if (!reg.pairs.has(x.key)) pairs.push(`${x.cell}/${x.service}`);
  }
  if (cells.size || services.size) return new UnknownTargetsError([...cells].sort(), [...services].sort(), []);
  if (pairs.length) return new UnknownTargetsError([], [], pairs.sort());
  return null;
}

/**
 * The statement; `careful` skips keys already stored (and repeated within the batch) instead of
 * failing on them. Samples come as eight column arrays ($1–$8) inserted straight from their rows; the
 * pairs whose current state the statement writes come as arrays of their own ($12–$26, one row a
 * pair, its newest reading and runs): every pair with `update`, else only the pairs' first states
 * (the rest is written behind the samples, state-buffer.ts). `stored` is counted only in the careful
 * form: the plain INSERT stores every sample or fails.
 */
function ingestSql(careful: boolean, history = true, update = true): string {
  const live = "(SELECT registry_current AND authorized FROM go)";
  const keep = history ? live : "false"; // history rows: none for readings kept by an external source
  const samples = `${zipped(1, "cell_id text, service_id text, ms float8, error_rate float8, p99_ms float8, cpu float8, rps float8, version text")} AS i`;
  return `WITH go AS MATERIALIZED (
   SELECT (SELECT value FROM system_markers WHERE key = 'registry.generation') = $9 AS registry_current,
          ($10::text IS NULL OR ${TOKEN_VALID_SQL("$10", "$11")}) AS authorized
 ),
 ins AS (
   INSERT INTO health_samples (cell_id, service_id, ts, error_rate, p99_ms, cpu, rps, version)
   ${
     careful
       ? `SELECT DISTINCT ON (cell_id, service_id, ms) cell_id, service_id, to_timestamp(ms / 1000), error_rate, p99_ms, cpu, rps, version
     FROM ${samples} WHERE ${keep}
   ON CONFLICT DO NOTHING
   RETURNING 1`
       : `SELECT cell_id, service_id, to_timestamp(ms / 1000), error_rate, p99_ms, cpu, rps, version
     FROM ${samples} WHERE ${live}`
   }
 ),
 pairs AS MATERIALIZED (
   SELECT * FROM ${zipped(
     12,
     "cell_id text, service_id text, ms float8, error_rate float8, p99_ms float8, cpu float8, rps float8, st text, " +
       "st_start float8, st_whole bool, eb float8, eb_whole bool, lb float8, lb_whole bool, first bool",
   )} AS p
 ),
${
  update
    ? ` upd AS (
   UPDATE service_health h SET
     last_sample_at = to_timestamp(t.ms / 1000), error_rate = t.error_rate, p99_ms = t.p99_ms, cpu = t.cpu, rps = t.rps,
     status = t.st::"HealthStatus",
     status_since = CASE WHEN t.st_whole AND h.status = t.st::"HealthStatus" THEN h.status_since ELSE to_timestamp(t.st_start / 1000) END,
     error_breach_since = CASE WHEN t.eb IS NULL THEN NULL WHEN t.eb_whole THEN coalesce(h.error_breach_since, to_timestamp(t.eb / 1000)) ELSE to_timestamp(t.eb / 1000) END,
     latency_breach_since = CASE WHEN t.lb IS NULL THEN NULL WHEN t.lb_whole THEN coalesce(h.latency_breach_since, to_timestamp(t.lb / 1000)) ELSE to_timestamp(t.lb / 1000) END
   FROM pairs t
   WHERE ${live} AND NOT t.first AND h.cell_id = t.cell_id AND h.service_id = t.service_id AND h.last_sample_at < to_timestamp(t.ms / 1000)
 ),
`
    : ""
} -- A pair's very first sample (the registry in memory says it has no current state yet).
 first_state AS (
   INSERT INTO service_health (cell_id, service_id, last_sample_at, error_rate, p99_ms, cpu, rps, status, status_since, error_breach_since, latency_breach_since)
   SELECT cell_id, service_id, to_timestamp(ms / 1000), error_rate, p99_ms, cpu, rps, st::"HealthStatus", to_timestamp(st_start / 1000),
          to_timestamp(eb / 1000), to_timestamp(lb / 1000)
     FROM pairs WHERE ${live} AND first
   ON CONFLICT (cell_id, service_id) DO NOTHING
 ),
 -- Pairs reporting a version this instance has not confirmed in the last minute.
 old AS (
   SELECT cs.cell_id, cs.service_id, cs.observed_version AS from_version, v.ver, to_timestamp(v.ms / 1000) AS ts
     FROM ${zipped(27, "c text, s text, ver text, ms float8")} AS v
     JOIN cell_services cs ON cs.cell_id = v.c AND cs.service_id = v.s
    WHERE ${live} AND cs.observed_version IS DISTINCT FROM v.ver
    ORDER BY cs.cell_id, cs.service_id
      FOR UPDATE OF cs
 ),
 version_upd AS (
   UPDATE cell_services cs SET observed_version = old.ver, updated_at = now()
     FROM old WHERE cs.cell_id = old.cell_id AND cs.service_id = old.service_id
 ),
 events AS (
   INSERT INTO deployment_events (cell_id, service_id, from_version, to_version, at, source)
   SELECT cell_id, service_id, from_version, ver, ts, $31 FROM old
 ),
 -- last_reported_at is kept to within CAPABILITY_REFRESH_MS: a capability reported every few seconds
 -- is rewritten once in that time, and its row is not even locked in between — unless the version that
 -- reports it changed (readiness counts a capability only while the cell runs that version).
 caps AS (
   INSERT INTO api_capabilities AS a (cell_id, service_id, api_version, first_reported_at, last_reported_at, reported_version)
   SELECT c, s, v, ts, ts, rv
     FROM (SELECT c, s, v, to_timestamp(ms / 1000) AS ts, rv
             FROM ${zipped(32, "c text, s text, v text, ms float8, rv text")} AS u) t
    WHERE ${live}
      AND NOT EXISTS (
       SELECT 1 FROM api_capabilities a
        WHERE a.cell_id = t.c AND a.service_id = t.s AND a.api_version = t.v
          AND a.first_reported_at <= t.ts AND t.ts < a.last_reported_at + ${REFRESH}
          AND a.reported_version IS NOT DISTINCT FROM t.rv
     )
    ORDER BY c, s, v
   ON CONFLICT (cell_id, service_id, api_version) DO UPDATE SET
     first_reported_at = least(a.first_reported_at, excluded.first_reported_at),
     last_reported_at = greatest(a.last_reported_at, excluded.last_reported_at),
     reported_version = CASE WHEN excluded.last_reported_at >= a.last_reported_at THEN excluded.reported_version ELSE a.reported_version END
   WHERE excluded.first_reported_at < a.first_reported_at
      OR excluded.last_reported_at >= a.last_reported_at + ${REFRESH}
      OR (excluded.last_reported_at >= a.last_reported_at AND excluded.reported_version IS DISTINCT FROM a.reported_version)
 )
 SELECT go.registry_current, go.authorized,
        ${careful ? "(SELECT count(*) FROM ins)" : "NULL::bigint"} AS stored,
        (SELECT coalesce(json_agg(json_build_object('cell_id', cell_id, 'service_id', service_id, 'from_version', from_version, 'to_version', ver)
                                  ORDER BY cell_id, service_id), '[]'::json) FROM old) AS changes
   FROM go`;
}
const FAST_SQL = ingestSql(false);
const CAREFUL_SQL = ingestSql(true);
/** Samples without the current-state UPDATE: that is written behind them (state-buffer.ts). */
const BUFFERED_SQL = ingestSql(false, true, false);
const BUFFERED_CAREFUL_SQL = ingestSql(true, true, false);
/** Current state only (readings an external health source already keeps the history of). */
const STATE_SQL = ingestSql(true, false);

interface Row {
  registry_current: boolean;
  authorized: boolean;
  /** Counted by the careful form only (null: the plain INSERT stored every sample). */
  stored: string | null;
  changes: { cell_id: string; service_id: string; from_version: string | null; to_version: string }[];
}

/**
 * Store a validated batch atomically. Throws UnknownTargetsError (nothing stored) when it names a
 * cell, service or pair the registry does not have, and TokenRevokedError when `token` no longer
 * holds its scope. (5-minute rollups are computed from the samples by the background job
 * `health.rollups`: see rollups.ts.)
 */
export async function ingestSamples(
  pool: Queryable,
  samples: Sample[],
  t: Thresholds,
  { source = "telemetry", token, now = new Date(), history = true, state }: IngestOptions = {},
): Promise<IngestOutcome> {
  const st = stateOf(pool);
  // In batch order: only the pairs the statement writes are sorted, for its lock order (below).
  const u = pairUpdates(samples, t, "batch");
  const ms = (d: Date) => d.getTime();

  // One memo lookup a pair: a version this instance wrote or confirmed within VERSION_TRUST_MS (wall
  // time) is not sent again; nor are capabilities it wrote less than CAPABILITY_REFRESH_MS ago (in
  // sample time) — both are reported with every sample and change rarely.
  const versioned: PairUpdate[] = [],
    capPairs: PairUpdate[] = [];
  for (const x of u) {
    if (!x.version && !x.apiVersions) continue;
    const memo = st.memo.get(x.key);
    if (x.version && (!memo || memo.version !== x.version.value || now.getTime() - memo.versionAt >= VERSION_TRUST_MS)) versioned.push(x);
    const a = x.apiVersions;
    if (a) {
      const at = a.ts.getTime();
      if (!memo || !sameCapabilities(memo, a) || at < memo.capabilitiesAt || at - memo.capabilitiesAt >= CAPABILITY_REFRESH_MS)
        capPairs.push(x);
    }
  }
  const caps = capPairs.flatMap((x) =>
    x.apiVersions!.values.map((v) => ({ c: x.cell, s: x.service, v, ts: x.apiVersions!.ts, rv: x.apiVersions!.reportedBy })),
  );
  const n = samples.length;
  const cell = new Array<string>(n),
    service = new Array<string>(n),
    ts = new Array<number>(n),
    errorRate = new Array<number>(n),
    p99Ms = new Array<number>(n),
    cpu = new Array<number>(n),
    rps = new Array<number>(n),
    version = new Array<string | undefined>(n);
  for (let i = 0; i < n; i++) {
    const x = samples[i]!;
    cell[i] = x.cell;
    service[i] = x.service;
    ts[i] = x.ts.getTime();
    errorRate[i] = x.errorRate;
    p99Ms[i] = x.p99Ms;
    cpu[i] = x.cpu;
    rps[i] = x.rps;
    version[i] = x.version;
  }
  const sampleParams = sampleColumnParams({ cell, service, ts, errorRate, p99Ms, cpu, rps, version });
  /** The current state the statement writes: one row a pair, its newest reading and runs. */
  const pairParams = (p: PairUpdate[], first: (x: PairUpdate) => boolean) => [
    textArray(p.map((x) => x.cell)),
    textArray(p.map((x) => x.service)),
    float8Array(p.map((x) => ms(x.last.ts))),
    float8Array(p.map((x) => x.last.errorRate)),
    float8Array(p.map((x) => x.last.p99Ms)),
    float8Array(p.map((x) => x.last.cpu)),
    float8Array(p.map((x) => x.last.rps)),
    textArray(p.map((x) => x.status)),
    ...runColumns(p),
    boolArray(p.map(first)),
  ];
  const capParams = [
    textArray(caps.map((x) => x.c)),
    textArray(caps.map((x) => x.s)),
    textArray(caps.map((x) => x.v)),
    float8Array(caps.map((x) => ms(x.ts))),
    textArray(caps.map((x) => x.rv)),
  ];

  let reg = await registry(pool, st);
  let careful = false;
  for (let attempt = 1; ; attempt++) {
    let split = splitByState(reg, u);
    if (!split && attempt === 1 && (await generationNow(pool)) !== reg.generation) {
      // A cell or pair added since the registry was loaded: look again before refusing. (A client
      // that keeps naming unknown cells costs one tiny query a batch, not a reload.)
      reg = await registry(pool, st, reg);
      split = splitByState(reg, u);
    }
    if (!split) throw unknownTargets(reg, u)!;
    // Pairs with no current state yet get their first one in the statement; with `state`, the
    // others' is written behind the samples.
    const { firsts, later } = split;
    const first = new Set(firsts);
    const isFirst = (x: PairUpdate) => first.has(x);
    const written = (state && history ? firsts : [...u]).sort(byPair);
    const values = [
      ...sampleParams,
      reg.generation,
      token?.hash ?? null,
      token?.scope ?? null,
      ...pairParams(written, isFirst),
      textArray(versioned.map((x) => x.cell)),
      textArray(versioned.map((x) => x.service)),
      textArray(versioned.map((x) => x.version!.value)),
      float8Array(versioned.map((x) => ms(x.version!.ts))),
      source,
      ...capParams,
    ];
    let row: Row;
    try {
      // Named: PostgreSQL parses and plans it once per connection, not once per batch.
      const buffered = history && !!state;
      const r = await pool.query<Row>({
        name: !history ? "cellplane.ingest.state" : `cellplane.ingest${buffered ? ".buffered" : ""}${careful ? ".careful" : ""}`,
        text: !history ? STATE_SQL : buffered ? (careful ? BUFFERED_CAREFUL_SQL : BUFFERED_SQL) : careful ? CAREFUL_SQL : FAST_SQL,
        values,
      });
      row = r.rows[0]!;
    } catch (e) {
      const code = (e as { code?: string }).code ?? "";
      if (code === UNIQUE_VIOLATION && !careful) {
        careful = true; // a re-sent sample: nothing was written; skip what is already stored
        continue;
      }
      if (attempt < 5 && RETRYABLE.has(code)) continue;
      throw e;
    }
    if (!row.authorized) throw new TokenRevokedError();
    if (!row.registry_current) {
      if (attempt >= 5) throw new Error("the fleet registry kept changing while a telemetry batch was being stored; nothing was stored");
      reg = await registry(pool, st, reg);
      continue;
    }
    // Written: remember what the registry now holds for these pairs.
    if (state && history) state.add(later);
    for (const x of firsts) reg.pairs.get(x.key)!.hasState = true;
    for (const x of versioned) Object.assign(memoOf(st, x.key), { version: x.version!.value, versionAt: now.getTime() });
    for (const x of capPairs) {
      const a = x.apiVersions!;
      Object.assign(memoOf(st, x.key), { capabilities: a.values, capabilitiesBy: a.reportedBy, capabilitiesAt: a.ts.getTime() });
    }
    const stored = row.stored === null ? samples.length : Number(row.stored);
    const versionChanges = row.changes.map((x) => ({ cell: x.cell_id, service: x.service_id, from: x.from_version, to: x.to_version }));
    return { received: samples.length, stored, duplicates: samples.length - stored, versionChanges };
  }
}
