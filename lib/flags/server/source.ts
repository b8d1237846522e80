// The flag configuration as evaluation services see it: compiled once per configuration version and
// kept in memory; each request costs one small query that returns the configuration's fingerprint
// (number of flags and the sum of their versions — both only grow, since every change bumps a
// version — and the fleet freezes' count and end times, since a freeze caps every flag's
// percentage) together with the customer's home cell. A change made on any replica is seen by the
// next request on every replica; there is no cache to go stale.
import type { Db } from "@/lib/db/client";
import { isPoolBusy } from "@/lib/errors";
import { covers, snapshotOf, type FlagReading, type FlagSnapshot, type FlagSource } from "../snapshot";
import { listFlagsAndFreezes } from "./store";

/** Runs one SQL statement with $1… parameters and returns its rows (`name`: a prepared-statement name). */
export type SqlQuery = <R>(sql: string, params: unknown[], name?: string) => Promise<R[]>;

// The configuration fingerprint and the home cells of the customers asked about (with what they
// run, for code prerequisites), in one statement and one row.
const READ_SQL = `
  SELECT (SELECT count(*) || '.' || coalesce(sum(version), 0) FROM feature_flags) || '.' ||
         (SELECT count(*) || ':' || coalesce(sum((extract(epoch FROM ends_at) * 1000)::bigint), 0) FROM freezes) AS fp,
         (SELECT coalesce(json_agg(json_build_object('id', cu.id, 'cell', c.id, 'tier', c.tier, 'region', c.region,
                                                     'versions', (SELECT coalesce(json_object_agg(cs.service_id, cs.observed_version), '{}'::json)
                                                                    FROM cell_services cs WHERE cs.cell_id = c.id))), '[]'::json)
            FROM customers cu JOIN cells c ON c.id = cu.home_cell_id
           WHERE cu.id = ANY($1::text[])) AS homes`;

type ReadRow = {
  fp: string;
  homes: { id: string; cell: string; tier: string; region: string; versions: Record<string, string | null> }[];
};

interface Waiter {
  customerId: string | null;
  resolve: (r: FlagReading) => void;
  reject: (e: unknown) => void;
}

/** Retried one by one after a failed batch: this many statements at a time. */
const SINGLE_RETRY_CONCURRENCY = 4;

/**
 * Reads are batched: a request issues the statement at once when none is running; requests that
 * arrive while one runs share the next statement. Every answer therefore comes from a statement
 * that started after its request arrived (a change committed before is always seen), and under
 * load one statement serves many requests.
 *
 * One request never fails its neighbours: when a batched statement fails, each of its requests is
 * retried on its own, so only a request whose own statement fails gets the error.
 *
 * `query` runs that statement. By default it goes through Prisma; the app passes the requests pool
 * (lib/db/pools.ts), because on this hot path Prisma's raw-query overhead is larger than the query
 * itself. Loading the flags goes through Prisma.
 */
export function createFlagSource(db: Db, query: SqlQuery = (sql, params) => db.$queryRawUnsafe(sql, ...params)): FlagSource {
  let current: FlagSnapshot | undefined;
  let loading: Promise<FlagSnapshot> | undefined;
  const load = () =>
    (loading ??= listFlagsAndFreezes(db)
      .then(({ flags, freezes }) => (current = snapshotOf(flags, freezes)))
      .finally(() => (loading = undefined)));

  let waiting: Waiter[] = [];
  let running = false;

  async function run(batch: Waiter[]) {
    const customers = [...new Set(batch.flatMap((w) => (w.customerId ? [w.customerId] : [])))];
    const [row] = await query<ReadRow>(READ_SQL, [customers], "cellplane-flags-read");
    // At most two loads: one may have started before the change this statement saw committed.
    for (let i = 0; i < 2 && !(current && covers(current.fingerprint, row!.fp)); i++) await load();
    const homes = new Map(row!.homes.map((h) => [h.id, { cell: h.cell, tier: h.tier, region: h.region, versions: h.versions }]));
    for (const w of batch) w.resolve({ snapshot: current!, home: (w.customerId && homes.get(w.customerId)) || null });
  }

  /** A failed batch: every request again, alone, a few at a time; each gets its own outcome. */
  async function runSingly(batch: Waiter[]) {
    let next = 0;
    const worker = async () => {
      while (next < batch.length) {
        const w = batch[next++]!;
        await run([w]).catch((e) => w.reject(e));
      }
    };
    await Promise.all(Array.from({ length: Math.min(SINGLE_RETRY_CONCURRENCY, batch.length) }, worker));
  }

  function kick() {
    if (running || waiting.length === 0) return;
    const batch = waiting;
    waiting = [];
    running = true;
    run(batch)
      // A saturated database fails every request alike ("busy, retry"); anything else may be one request's fault.
      .catch((e) => (batch.length === 1 || isPoolBusy(e) ? batch.forEach((w) => w.reject(e)) : runSingly(batch)))
      .finally(() => {
        running = false;
        kick();
      });
  }

  return {
    read(customerId) {
      return new Promise((resolve, reject) => {
        waiting.push({ customerId, resolve, reject });
        kick();
      });
    },
  };
}
