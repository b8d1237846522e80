// One transition of a stored state machine — a release, a migration run — whether a person commands
// it or the ticker passes over it, always inside the caller's transaction and in this order:
//   lock     read the row FOR UPDATE, with its version: two clicks or two tickers queue here;
//   decide   the pure machine: a command (approve, pause, start…), then one pass over what it
//            observes now, so an approval starts deploying at once;
//   record   the decision itself where it is a gate's (lib/approvals/server/store.ts);
//   persist  the new state, guarded by the version read under the lock (CONFLICT otherwise);
//   perform  the effects (desired versions, deliveries, releases started…), returning the audit
//            events the caller's door writes in the same transaction.
// The machines differ in what they lock, observe, persist and perform (their `Machine`); the order,
// the once-only guarantee and the audit trail are this file's.
import type { Audited, AuditInput } from "@/lib/audit/events";
import { audited } from "@/lib/audit/server/record";
import type { Db, Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";

/** The actor of every background pass. */
export const TICKER_ACTOR = "system:ticker";

/** What the pure machine returns: the next state and the effects to perform. */
export interface Step<S, E> {
  state: S;
  effects: E[];
}

/** A stored state machine, as the transition skeleton drives it. `L` is the locked row, `S` its state. */
export interface Machine<L extends { state: S }, S, E> {
  /** What it is, for messages: "release", "migration". */
  noun: string;
  /** Read the row FOR UPDATE (with its version and whatever the other steps need), or null. */
  lock(tx: Tx, id: string): Promise<L | null>;
  /** Whether a ticker pass applies to it now (not paused, not finished). */
  live(locked: L): boolean;
  /** Whether the pass right after a command runs (a paused or finished release stays put). */
  settles(state: S): boolean;
  /** One pass of the pure machine over what it observes now. */
  pass(tx: Tx, locked: L, state: S, now: Date): Promise<Step<S, E>>;
  /** The pure machine's refusal as a DomainError; anything else is rethrown. */
  refuse(e: unknown): never;
  /** Persist the state (guarded by the locked version) and perform the effects; their audit events. */
  commit(tx: Tx, locked: L, step: Step<S, E>, actor: string, now: Date): Promise<AuditInput[]>;
}

/** A person's (or another machine's) decision on one machine. */
export interface Decision<L, S, E> {
  /** The pure decision on the locked state; throws the machine's refusal. */
  decide: (state: S) => Step<S, E>;
  /** Rows that record the decision itself (a gate's approval), written once the machine accepts it. */
  record?: (tx: Tx) => Promise<unknown>;
  /** Audit events of the command itself, written before those of its effects. */
  audit?: (locked: L, decided: S) => AuditInput[];
}

/** lock → decide → record → pass → persist → perform, in `tx`. Its data: the state before and after. */
export async function transition<L extends { state: S }, S, E>(
  tx: Tx,
  machine: Machine<L, S, E>,
  id: string,
  decision: Decision<L, S, E>,
  actor: string,
  now: Date,
): Promise<Audited<{ before: S; after: S }>> {
  const locked = await machine.lock(tx, id);
  if (!locked) throw new DomainError("NOT_FOUND", `no ${machine.noun} ${id}`);
  let decided: Step<S, E>;
  try {
    decided = decision.decide(locked.state);
  } catch (e) {
    machine.refuse(e);
  }
  await decision.record?.(tx);
  const settled = machine.settles(decided.state)
    ? await machine.pass(tx, locked, decided.state, now)
    : { state: decided.state, effects: [] };
  const performed = await machine.commit(
    tx,
    locked,
    { state: settled.state, effects: [...decided.effects, ...settled.effects] },
    actor,
    now,
  );
  return {
    data: { before: locked.state, after: settled.state },
    audit: [...(decision.audit?.(locked, decided.state) ?? []), ...performed],
  };
}

/** One ticker pass over `id` in `tx`. Its data: whether anything changed (nothing is written otherwise). */
export async function pass<L extends { state: S }, S, E>(
  tx: Tx,
  machine: Machine<L, S, E>,
  id: string,
  now: Date,
  actor = TICKER_ACTOR,
): Promise<Audited<boolean>> {
  const locked = await machine.lock(tx, id);
  if (!locked || !machine.live(locked)) return { data: false, audit: [] };
  const step = await machine.pass(tx, locked, locked.state, now);
  if (step.effects.length === 0 && JSON.stringify(step.state) === JSON.stringify(locked.state)) return { data: false, audit: [] };
  return { data: true, audit: await machine.commit(tx, locked, step, actor, now) };
}

/** One ticker pass in a transaction of its own, audited as the ticker. Returns whether anything changed. */
export function tick<L extends { state: S }, S, E>(db: Db, machine: Machine<L, S, E>, id: string, now: Date): Promise<boolean> {
  return audited(db, TICKER_ACTOR, (tx) => pass(tx, machine, id, now), { timeout: 20_000 });
}
