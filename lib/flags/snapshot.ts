// What flag evaluation reads (pure): the compiled configuration (a snapshot with its fingerprint)
// and the customer's home cell. The source that reads them: server/source.ts. (Tokens are checked
// by the one token check, lib/auth/server/tokens.ts, before anything is read.)
import type { FreezeSpan } from "@/lib/settings/freezes";
import type { Flag } from "./model";

export interface HomeCell {
  cell: string;
  tier: string;
  region: string;
  /** service → the version the cell runs (observed), for code prerequisites. */
  versions?: Record<string, string | null>;
}

export interface FlagSnapshot {
  /** "<count>.<sum of versions>.<freezes>" (see `freezesFingerprint`) */
  fingerprint: string;
  flags: ReadonlyMap<string, Flag>;
  /** Every schedule step time of every flag and every freeze's start and end, sorted: how many have passed changes evaluations. */
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

/**
 * The freezes' part of the fingerprint: "<count>:<sum of end times in ms>". A freeze is never deleted:
 * declaring one changes the count, ending one early changes its end. It does not only grow, so it is
 * compared for equality (the flags' part only grows: count and versions).
 */
export const freezesFingerprint = (freezes: readonly Pick<FreezeSpan, "endsAt">[]) =>
  `${freezes.length}:${freezes.reduce((s, f) => s + f.endsAt.getTime(), 0)}`;

const parts = (fp: string) => {
  const [count, versions, freezes = ""] = fp.split(".");
  return { count: Number(count), versions: Number(versions), freezes };
};
/** True when snapshot `a` already includes everything fingerprint `b` describes. */
export const covers = (a: string, b: string) => {
  const pa = parts(a),
    pb = parts(b);
  return pa.count >= pb.count && pa.versions >= pb.versions && pa.freezes === pb.freezes;
};

/** The snapshot of `flags` (each carries the fleet freezes; `freezes`: the same list, for the fingerprint). */
export function snapshotOf(flags: readonly Flag[], freezes: readonly FreezeSpan[] = []): FlagSnapshot {
  return {
    fingerprint: `${flags.length}.${flags.reduce((s, f) => s + f.version, 0)}.${freezesFingerprint(freezes)}`,
    flags: new Map(flags.map((f) => [f.key, f])),
    stepTimes: [
      ...flags.flatMap((f) => f.schedule.map((s) => s.at.getTime())),
      ...freezes.flatMap((f) => [f.startsAt.getTime(), f.endsAt.getTime()]),
    ].sort((a, b) => a - b),
  };
}
