// Change requests of protected flags as stored: proposing one (called by the flag store's write path,
// `updateFlag` and the flags import, instead of applying the change) and reading them. Deciding is
// lib/flags/server/change-decisions.ts. Shared by the app and the CLI (no `server-only`). Changes
// return their audit events for the caller's door to write in the same transaction.
import type { Audited } from "@/lib/audit/events";
import type { Db, Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import {
  changedFields,
  diffSummary,
  type FlagChangeRequest,
  type FlagChangeStatus,
  patchOf,
  requestDiff,
  type StoredSpec,
  storedSpec,
} from "../change-requests";
import { canonicalJson, type Flag, type FlagSpec, type FlagSpecInput } from "../model";

type Row = Awaited<ReturnType<Tx["flagChangeRequest"]["findUniqueOrThrow"]>>;

export const toRequest = (r: Row): FlagChangeRequest => ({
  ...r,
  id: r.id.toString(),
  patch: r.patch as Partial<FlagSpecInput>,
  before: r.before as StoredSpec,
  after: r.after as StoredSpec,
  status: r.status as FlagChangeStatus,
});

export const parseRequestId = (id: string) => {
  if (!/^\d{1,18}$/.test(id)) throw new DomainError("NOT_FOUND", `There is no flag change request #${id}.`);
  return BigInt(id);
};

const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue;

export interface Proposal {
  /** The flag as stored (locked by the caller). */
  current: Flag;
  before: FlagSpec;
  next: FlagSpec;
  /** specChanges(before, next).after */
  changed: Record<string, unknown>;
  /** The percentage is set again by hand (its hold restarts), even at the same value. */
  percentageSetAgain: boolean;
  action: string;
  requestedBy: string;
  comment?: string;
  now: Date;
}

/**
 * Store a change of a protected flag as a pending request instead of applying it. The same person
 * proposing the same change against the same version gets the same request back (an import run twice).
 */
export async function proposeFlagChange(tx: Tx, p: Proposal): Promise<Audited<FlagChangeRequest>> {
  const fields = changedFields(p.changed, p.percentageSetAgain);
  const before = storedSpec(p.before);
  const after = storedSpec(p.next);
  const patch = patchOf(p.next, fields);
  const same = await tx.flagChangeRequest.findFirst({
    where: { flagKey: p.current.key, status: "pending", requestedBy: p.requestedBy, baseVersion: p.current.version },
    orderBy: { id: "desc" },
  });
  if (same && canonicalJson(same.after) === canonicalJson(after) && canonicalJson(same.patch) === canonicalJson(patch))
    return { data: toRequest(same), audit: [] };
  const row = await tx.flagChangeRequest.create({
    data: {
      flagKey: p.current.key,
      baseVersion: p.current.version,
      action: p.action,
      patch: json(patch),
      before: json(before),
      after: json(after),
      requestedBy: p.requestedBy,
      requestedAt: p.now,
      requestComment: p.comment ?? "",
    },
  });
  const req = toRequest(row);
  const diff = requestDiff(before, after);
  return {
    data: req,
    audit: [
      {
        action: "flag.change_request",
        targetType: "flag_change",
        targetId: req.id,
        after: { flag: req.flagKey, baseVersion: req.baseVersion, action: req.action, patch, diff: diffSummary(diff) },
        reason: p.comment || null,
      },
    ],
  };
}

export async function getFlagChange(db: Db | Tx, id: string): Promise<FlagChangeRequest | null> {
  const r = await db.flagChangeRequest.findUnique({ where: { id: parseRequestId(id) } });
  return r ? toRequest(r) : null;
}

/** Requests waiting for a decision, oldest first, with their flag's current version (to tell stale ones). */
export async function pendingFlagChanges(db: Db | Tx): Promise<(FlagChangeRequest & { currentVersion: number })[]> {
  const rows = await db.flagChangeRequest.findMany({
    where: { status: "pending" },
    orderBy: [{ requestedAt: "asc" }, { id: "asc" }],
    include: { flag: { select: { version: true } } },
  });
  return rows.map(({ flag, ...r }) => ({ ...toRequest(r), currentVersion: flag.version }));
}

/** A flag's requests: every pending one and the last decided ones, newest first. */
export async function flagChangesOf(db: Db | Tx, key: string, decided = 5): Promise<FlagChangeRequest[]> {
  const [pending, done] = await Promise.all([
    db.flagChangeRequest.findMany({ where: { flagKey: key, status: "pending" }, orderBy: { id: "desc" } }),
    db.flagChangeRequest.findMany({ where: { flagKey: key, status: { not: "pending" } }, orderBy: { id: "desc" }, take: decided }),
  ]);
  return [...pending, ...done].map(toRequest);
}
