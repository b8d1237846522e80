// Who may decide a gate: ONE rule for every kind of gate (release gates, migration steps, flag change
// requests). It has two parts:
//   - the role: each kind names the roles that decide it — release managers and admins decide release
//     gates and migration steps (the actions' permission, `canDecideGates`); product owners and admins
//     decide flag change requests (`canDecideFlagChanges`);
//   - four-eyes: never the person who asked for what the gate holds (who started the release or
//     the migration, who requested the flag change). The engines apply it to the identity on a
//     decision, under the row lock.
// Pages and the inbox ask `gateVerdict` for both, to say why someone cannot decide.
import type { Principal, Role } from "@/lib/auth/roles";

/** The roles that decide release gates and migration steps. */
export const GATE_DECIDERS: readonly Role[] = ["RELEASE_MANAGER", "ADMIN"];
/** The roles that decide flag change requests. */
export const FLAG_CHANGE_DECIDERS: readonly Role[] = ["PRODUCT_OWNER", "ADMIN"];

/** What a gate holds, in words, and who decides it. */
export interface GateNoun {
  /** The thing: "release". */
  noun: string;
  /** What its gates are called: "gate", "step". */
  part: string;
  /** The roles that decide it, and how to say so ("release managers and admins"; "another release manager"). */
  deciders: readonly Role[];
  who: string;
  another: string;
  /** What the requester did, in the past tense: "started" (the release), "requested" (the change). */
  asked: string;
}
export const RELEASE_GATE: GateNoun = {
  noun: "release",
  part: "gate",
  deciders: GATE_DECIDERS,
  who: "release managers and admins",
  another: "another release manager",
  asked: "started",
};
export const MIGRATION_STEP: GateNoun = { ...RELEASE_GATE, noun: "migration", part: "step" };
export const FLAG_CHANGE: GateNoun = {
  noun: "flag change",
  part: "request",
  deciders: FLAG_CHANGE_DECIDERS,
  who: "product owners and admins",
  another: "another product owner or an admin",
  asked: "requested",
};

/** May this user decide gates of this kind at all (whose gates: see `fourEyes`)? */
export const decidesGates = (user: Principal | null | undefined, what: GateNoun = RELEASE_GATE): boolean =>
  !!user && what.deciders.includes(user.role);

/**
 * Four-eyes: why `decider` may not decide a gate of something `requestedBy` asked for, or null when
 * they may. Nobody has asked yet (`null`: a migration not started) excludes nobody.
 */
export function fourEyes(decider: string, requestedBy: string | null, what: GateNoun): string | null {
  if (requestedBy === null || decider !== requestedBy) return null;
  return what === FLAG_CHANGE
    ? "four-eyes: the person who requested a flag change cannot approve it"
    : `four-eyes: the person who ${what.asked} the ${what.noun} cannot approve its ${what.part}s`;
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
  if (!user || !decidesGates(user, what))
    return {
      ok: false,
      because: "role",
      message: `Only ${what.who} decide ${what.noun} ${what.part}s (you are ${user?.role ?? "signed out"}).`,
    };
  if (fourEyes(user.email, gate.requestedBy, what))
    return {
      ok: false,
      because: "four-eyes",
      message: `Four-eyes: you ${what.asked} this ${what.noun}, so ${what.another} must decide this ${what.part}.`,
    };
  return { ok: true };
}
