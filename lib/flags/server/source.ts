// The flag configuration as evaluation services see it: compiled once per configuration version and
// kept in memory; each request costs one small query that returns the configuration's fingerprint
// (number of flags and the sum of their versions — both only grow, since every change bumps a
// version) together with the customer's home cell. A change made on any replica is seen by the
// next request on every replica; there is no cache to go stale.
import type { Db } from "@/lib/db/client";
import { covers, snapshotOf, type FlagReading, type FlagSnapshot, type FlagSource, type TokenRow } from "../snapshot";
import { listFlags } from "./store";

/** Runs one SQL statement with $1… parameters and returns its rows (`name`: a prepared-statement name). */
export type SqlQuery = <R>(sql: string, params: unknown[], name?: string) => Promise<R[]>;

// The configuration fingerprint, the home cells of the customers asked about (with what they run,
// for code prerequisites) and the tokens asked about, in one statement and one row.
const READ_SQL = `
  SELECT (SELECT count(*) || '.' || coalesce(sum(version), 0) FROM feature_flags) AS fp,
         (SELECT coalesce(json_agg(json_build_object('id', cu.id, 'cell', c.id, 'tier', c.tier, 'region', c.region,
                                                     'versions', (SELECT coalesce(json_object_agg(cs.service_id, cs.observed_version), '{}'::json)
                                                                    FROM cell_services cs WHERE cs.cell_id = c.id))), '[]'::json)
            FROM customers cu JOIN cells c ON c.id = cu.home_cell_id
           WHERE cu.id = ANY($1::text[])) AS homes,
         (SELECT coalesce(json_agg(json_build_object('hash', t.token_hash, 'scopes', t.scopes, 'revoked', t.revoked_at IS NOT NULL,
                                                     'stale', t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute')), '[]'::json)
            FROM api_tokens t
           WHERE t.token_hash = ANY($2::text[])) AS tokens`;

type ReadRow = {
  fp: string;
  homes: { id: string; cell: string; tier: string; region: string; versions: Record<string, string | null> }[];
  tokens: { hash: string; scopes: string[]; revoked: boolean; stale: boolean }[];
};

interface Waiter {
  customerId: string | null;
  tokenHash: string | null;
  resolve: (r: FlagReading & { token: TokenRow | null }) => void;
  reject: (e: unknown) => void;
}

/**
 * Reads are batched: a request issues the statement at once when none is running; requests that
 * arrive while one runs share the next statement. Every answer therefore comes from a statement
 * that started after its request arrived (a change committed before is always seen), and under
 * load one statement serves many requests.
 *
 * `query` runs that statement. By default it goes through Prisma; the app passes a plain `pg` pool,
 * because on this hot path Prisma's raw-query overhead is larger than the query itself. Loading the
 * flags and every write go through Prisma.
 */
export function createFlagSource(db: Db, query: SqlQuery = (sql, params) => db.$queryRawUnsafe(sql, ...params)): FlagSource {
  let current: FlagSnapshot | undefined;
  let loading: Promise<FlagSnapshot> | undefined;
  const load = () =>
    (loading ??= listFlags(db)
      .then((flags) => (current = snapshotOf(flags)))
      .finally(() => (loading = undefined)));

  let waiting: Waiter[] = [];
  let running = false;

  async function run(batch: Waiter[]) {
    const customers = [...new Set(batch.flatMap((w) => (w.customerId ? [w.customerId] : [])))];
    const hashes = [...new Set(batch.flatMap((w) => (w.tokenHash ? [w.tokenHash] : [])))];
    const [row] = await query<ReadRow>(READ_SQL, [customers, hashes], "cellplane-flags-read");
    // At most two loads: one may have started before the change this statement saw committed.
    for (let i = 0; i < 2 && !(current && covers(current.fingerprint, row!.fp)); i++) await load();
    const homes = new Map(row!.homes.map((h) => [h.id, { cell: h.cell, tier: h.tier, region: h.region, versions: h.versions }]));
    const tokens = new Map(row!.tokens.map((t) => [t.hash, t]));
    for (const t of tokens.values()) {
      // Best effort and cheap, like checkToken: at most one write a minute per token.
      if (t.stale) db.apiToken.update({ where: { tokenHash: t.hash }, data: { lastUsedAt: new Date() } }).catch(() => {});
    }
    for (const w of batch) {
      const t = w.tokenHash ? tokens.get(w.tokenHash) : undefined;
      w.resolve({
        snapshot: current!,
        home: (w.customerId && homes.get(w.customerId)) || null,
        token: t ? { scopes: t.scopes, revoked: t.revoked } : null,
      });
    }
  }

  function kick() {
    if (running || waiting.length === 0) return;
    const batch = waiting;
    waiting = [];
    running = true;
    run(batch)
      .catch((e) => batch.forEach((w) => w.reject(e)))
      .finally(() => {
        running = false;
        kick();
      });
  }

  return {
    read(customerId, tokenHash = null) {
      return new Promise((resolve, reject) => {
        waiting.push({ customerId, tokenHash, resolve, reject });
        kick();
      });
    },
  };
}
