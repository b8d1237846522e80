// The approve and reject actions of a numbered change request (a protected flag's change request, a
// pipeline policy change): one factory for both kinds. Each action is a `defineAction` (the one door:
// session, named permission, zod input, one transaction with its audit events). Approving is refused
// to the person who asked for the change (four-eyes); they may reject — withdraw — their own. The
// store's decision checks the request again under its row lock.
import type { Audited } from "@/lib/audit/events";
import type { Principal } from "@/lib/auth/roles";
import { defineAction, type Revalidation } from "@/lib/auth/server/action";
import type { Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import { decisionInput } from "../decision-input";

/** A decision on a request, as the kind's store takes it. */
export type RequestDecision = { kind: "approve" | "reject"; by: string; comment: string };

/** One kind of numbered change request: its store, who may approve one, what the actions say. */
export interface RequestKind<R, T> {
  /** The actions' names, for FORBIDDEN: "approve flag change requests". */
  names: { approve: string; reject: string };
  /** Who may decide requests of this kind at all. */
  permission: (user: Principal) => boolean;
  /** Read a request (null: there is none); decide one (checked again under its row lock). */
  store: {
    find: (tx: Tx, id: string) => Promise<R | null>;
    decide: (tx: Tx, id: string, d: RequestDecision, now: Date) => Promise<Audited<T>>;
  };
  /** Four-eyes: whether `user` is not the one who asked for `request`. */
  mayApprove: (user: Principal, request: R) => boolean;
  /** An id that is not a request's number; a number with no request (NOT_FOUND); a four-eyes refusal (PRECONDITION). */
  messages: { number: string; notFound: (id: string) => string; fourEyes: string };
  revalidate: Revalidation[] | ((data: T) => Revalidation[]);
}

/** The `approve` and `reject` actions of one kind of request. */
export function requestDecisionActions<R, T>(kind: RequestKind<R, T>) {
  const { store, messages } = kind;
  const input = decisionInput(messages.number);
  return {
    approve: defineAction({
      name: kind.names.approve,
      permission: kind.permission,
      input,
      async run({ tx, input, user }) {
        const request = await store.find(tx, input.id);
        if (!request) throw new DomainError("NOT_FOUND", messages.notFound(input.id));
        if (!kind.mayApprove(user, request)) throw new DomainError("PRECONDITION", messages.fourEyes);
        return store.decide(tx, input.id, { kind: "approve", by: user.email, comment: input.comment }, new Date());
      },
      revalidate: kind.revalidate,
    }),
    reject: defineAction({
      name: kind.names.reject,
      permission: kind.permission,
      input,
      run: ({ tx, input, user }) => store.decide(tx, input.id, { kind: "reject", by: user.email, comment: input.comment }, new Date()),
      revalidate: kind.revalidate,
    }),
  };
}
