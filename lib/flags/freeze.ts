// What a fleet freeze refuses of a flag change (pure). While a freeze is in force a change may not
// put the flag on for customers who do not have it now; it may take it away from anyone.
//
// Counts as an increase (refused):
//   - turning the flag on (the kill switch off → on), a new flag included;
//   - a percentage set by hand above the percentage in force now (the frozen one during a freeze);
//   - customers added to the allowlist;
//   - targeting widened: a tier, cell or region added to a non-empty list, or a list emptied
//     (an empty list means everyone);
//   - code prerequisites loosened: a service's range dropped, or changed to one that is not within
//     the old one (semver subset);
//   - a new salt (it re-buckets customers: some who were out are in);
//   - any change that puts a higher percentage in force now (a schedule edited so its past steps
//     are higher, a guard's hold lifted above the frozen percentage).
// Still allowed: the kill switch off, a lower percentage, allowlist entries removed, narrower
// targeting, stricter prerequisites, schedule edits (future steps wait for the freeze's end anyway),
// details, owner and the guard.
import semver from "semver";
import { type FreezeSpan, freezeInForce, frozenRefusal } from "@/lib/settings/freezes";
import type { Flag, FlagSpec, FlagTargeting } from "./model";
import { effectivePercentage } from "./schedule";

type Exposure = Pick<FlagSpec, "enabled" | "allowlist" | "targeting" | "requires" | "rolloutPercentage" | "schedule" | "salt">;

export interface ExposureChange {
  /** The flag as stored; null for a new flag. */
  before: (Exposure & Pick<Flag, "percentageSetAt" | "hold" | "salt">) | null;
  after: Exposure;
  /** When the change sets the percentage by hand (now), or null when it leaves it. */
  percentageSetAt: Date | null;
}

const list = (xs: readonly string[]) => (xs.length > 3 ? `${xs.slice(0, 3).join(", ")} and ${xs.length - 3} more` : xs.join(", "));

function widerTargeting(before: FlagTargeting, after: FlagTargeting): string[] {
  const out: string[] = [];
  for (const dim of ["tiers", "cells", "regions"] as const) {
    const b: readonly string[] = before[dim],
      a: readonly string[] = after[dim];
    if (b.length === 0) continue; // everyone already: any list narrows
    if (a.length === 0) out.push(`targeting every ${dim.slice(0, -1)} (was ${list(b)})`);
    else {
      const added = a.filter((x) => !b.includes(x));
      if (added.length) out.push(`adding ${list(added)} to the targeted ${dim}`);
    }
  }
  return out;
}

function looserRequires(before: Record<string, string>, after: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [service, range] of Object.entries(before)) {
    const next = after[service];
    if (next === undefined) out.push(`dropping the prerequisite ${service} ${range}`);
    else if (next !== range && !semver.subset(next, range)) out.push(`loosening the prerequisite ${service} ${range} to ${next}`);
  }
  return out;
}

/** The ways a change puts the flag on for more customers at `now` (empty: it does not); `freezes` for the percentage in force. */
export function exposureIncreases(change: ExposureChange, freezes: readonly FreezeSpan[], now: Date): string[] {
  const { before, after } = change;
  if (!before) return after.enabled ? ["turning a new flag on"] : [];
  const out: string[] = [];
  if (after.enabled && !before.enabled) out.push("turning the flag on");
  const inForce = effectivePercentage({ ...before, freezes }, now);
  const afterRollout = {
    rolloutPercentage: after.rolloutPercentage,
    percentageSetAt: change.percentageSetAt ?? before.percentageSetAt,
    schedule: after.schedule,
    hold: before.hold,
    freezes,
  };
  if (change.percentageSetAt && after.rolloutPercentage > inForce)
    out.push(`raising the rollout percentage from ${inForce}% to ${after.rolloutPercentage}%`);
  else {
    const next = effectivePercentage(afterRollout, now);
    if (next > inForce) out.push(`putting ${next}% in force (${inForce}% now)`);
  }
  const added = after.allowlist.filter((c) => !before.allowlist.includes(c));
  if (added.length) out.push(`adding ${list(added)} to the allowlist`);
  out.push(...widerTargeting(before.targeting, after.targeting));
  out.push(...looserRequires(before.requires, after.requires));
  if ((after.salt ?? before.salt) !== before.salt) out.push("changing the salt (it re-buckets customers)");
  return out;
}

/**
 * Throws PRECONDITION naming the freeze in force at `now` when the change of flag `key` puts it on
 * for more customers; nothing when no freeze is in force or the change only narrows.
 */
export function assertFreezeAllows(key: string, change: ExposureChange, freezes: readonly FreezeSpan[], now: Date): void {
  const freeze = freezeInForce(freezes, now);
  if (!freeze) return;
  const increases = exposureIncreases(change, freezes, now);
  if (increases.length === 0) return;
  throw frozenRefusal(
    `Changing "${key}" (${increases.join("; ")})`,
    freeze,
    "Lowering the percentage, removing customers, narrowing the targeting and the kill switch still work.",
  );
}
