// Who may decide a gate: ONE rule for every kind of gate (release gates, migration steps, and the
// change requests still to come). It has two parts:
//   - the role: release managers and admins decide gates (the actions' permission, `canDecideGates`);
//   - four-eyes: never the person who asked for what the gate holds (who started the release or
//     the migration). The engines apply it to the identity on a decision, under the row lock.
// Pages and the inbox ask `gateVerdict` for both, to say why someone cannot decide.
import type { Principal, Role } from "@/lib/auth/roles";

/** The roles that decide gates. */
export const GATE_DECIDERS: readonly Role[] = ["RELEASE_MANAGER", "ADMIN"];

/** What a gate holds, in words: the thing ("release"), what its gates are called ("gate", "step"). */
export interface GateNoun {
  noun: string;
  part: string;
}
export const RELEASE_GATE: GateNoun = { noun: "release", part: "gate" };
export const MIGRATION_STEP: GateNoun = { noun: "migration", part: "step" };

/** May this user decide gates at all (whose gates: see `fourEyes`)? */
export const decidesGates = (user: Principal | null | undefined): boolean => !!user && GATE_DECIDERS.includes(user.role);

/**
 * Four-eyes: why `decider` may not decide a gate of something `requestedBy` asked for, or null when
 * they may. Nobody has asked yet (`null`: a migration not started) excludes nobody.
 */
export function fourEyes(decider: string, requestedBy: string | null, what: GateNoun): string | null {
  return requestedBy !== null && decider === requestedBy
    ? `four-eyes: the person who started the ${what.noun} cannot approve its ${what.part}s`
    : null;
}

export type Verdict =
  | { ok: true }
  | {
      ok: false;
      /** `role`: the user's role does not decide gates; `four-eyes`: they asked for it themselves. */
      because: "role" | "four-eyes";
      /** Said to the user, in the second person. */
      message: string;
    };

/** Whether `user` may decide a gate of something `requestedBy` asked for, and why not. */
export function gateVerdict(user: Principal | null | undefined, gate: { requestedBy: string | null }, what: GateNoun): Verdict {
  if (!user || !decidesGates(user))
    return {
      ok: false,
      because: "role",
      message: `Only release managers and admins decide ${what.noun} ${what.part}s (you are ${user?.role ?? "signed out"}).`,
    };
  if (fourEyes(user.email, gate.requestedBy, what))
    return {
      ok: false,
      because: "four-eyes",
      message: `Four-eyes: you started this ${what.noun}, so another release manager must decide this ${what.part}.`,
    };
  return { ok: true };
}
