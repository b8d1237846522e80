// The flag configuration as evaluation services see it: compiled once per configuration version and
// kept in memory; each request costs one small query that returns the configuration's fingerprint
// (number of flags and the sum of their versions — both only grow, since every change bumps a
// version) together with the customer's home cell. A change made on any replica is seen by the
// next request on every replica; there is no cache to go stale.
import type { Db } from "@/lib/db/client";
import type { Flag } from "./model";
import { listFlags } from "./store";

export interface HomeCell {
  cell: string;
  tier: string;
  region: string;
}

export interface FlagSnapshot {
  /** "<count>.<sum of versions>" */
  fingerprint: string;
  flags: ReadonlyMap<string, Flag>;
  /** Every schedule step time of every flag, sorted: how many have passed changes evaluations. */
  stepTimes: readonly number[];
}

export interface FlagReading {
  snapshot: FlagSnapshot;
  /** The customer's home cell from the registry, when the customer is known. */
  home: HomeCell | null;
}

export interface FlagSource {
  read(customerId: string | null): Promise<FlagReading>;
}

const parts = (fp: string) => fp.split(".").map(Number) as [number, number];
/** True when snapshot `a` already includes everything fingerprint `b` describes. */
const covers = (a: string, b: string) => {
  const [ac, av] = parts(a), [bc, bv] = parts(b);
  return ac >= bc && av >= bv;
};

export function snapshotOf(flags: readonly Flag[]): FlagSnapshot {
  return {
    fingerprint: `${flags.length}.${flags.reduce((s, f) => s + f.version, 0)}`,
    flags: new Map(flags.map((f) => [f.key, f])),
    stepTimes: flags.flatMap((f) => f.schedule.map((s) => s.at.getTime())).sort((a, b) => a - b),
  };
}

export function createFlagSource(db: Db): FlagSource {
  let current: FlagSnapshot | undefined;
  let loading: Promise<FlagSnapshot> | undefined;
  const load = () =>
    (loading ??= listFlags(db)
      .then((flags) => (current = snapshotOf(flags)))
      .finally(() => (loading = undefined)));

  return {
    async read(customerId) {
      const [row] = await db.$queryRaw<{ fp: string; cell: string | null; tier: string | null; region: string | null }[]>`
        SELECT (SELECT count(*) || '.' || coalesce(sum(version), 0) FROM feature_flags) AS fp,
               c.id AS cell, c.tier::text AS tier, c.region AS region
          FROM (SELECT 1) AS one
          LEFT JOIN customers cu ON cu.id = ${customerId}
          LEFT JOIN cells c ON c.id = cu.home_cell_id`;
      const fp = row!.fp;
      // At most two loads: one may have started before the change we were told about committed.
      for (let i = 0; i < 2 && !(current && covers(current.fingerprint, fp)); i++) await load();
      const home = row!.cell ? { cell: row!.cell, tier: row!.tier!, region: row!.region! } : null;
      return { snapshot: current!, home };
    },
  };
}
