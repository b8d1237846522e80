// What flag evaluation reads (pure): the compiled configuration (a snapshot with its fingerprint)
// and the customer's home cell. The source that reads them: server/source.ts. (Tokens are checked
// by the one token check, lib/auth/server/tokens.ts, before anything is read.)
import type { Flag } from "./model";

export interface HomeCell {
  cell: string;
  tier: string;
  region: string;
  /** service → the version the cell runs (observed), for code prerequisites. */
  versions?: Record<string, string | null>;
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
  /** One round trip: the configuration's fingerprint and the customer's home cell, so an evaluation costs a single small query. */
  read(customerId: string | null): Promise<FlagReading>;
}

const parts = (fp: string) => fp.split(".").map(Number) as [number, number];
/** True when snapshot `a` already includes everything fingerprint `b` describes. */
export const covers = (a: string, b: string) => {
  const [ac, av] = parts(a),
    [bc, bv] = parts(b);
  return ac >= bc && av >= bv;
};

export function snapshotOf(flags: readonly Flag[]): FlagSnapshot {
  return {
    fingerprint: `${flags.length}.${flags.reduce((s, f) => s + f.version, 0)}`,
    flags: new Map(flags.map((f) => [f.key, f])),
    stepTimes: flags.flatMap((f) => f.schedule.map((s) => s.at.getTime())).sort((a, b) => a - b),
  };
}
