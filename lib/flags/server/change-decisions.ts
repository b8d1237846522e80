// Deciding a flag change request, once. The request's row is locked, so two deciders at the same
// moment make one decision (the second is told who decided); the flag's row is locked too, and
// approving applies the change through the flag store's one write path (`updateFlag`) iff the flag
// is still at the version the request was made against — otherwise it is stale and refused, and the
// requester proposes it again. Four-eyes: never the requester (lib/approvals/four-eyes.ts); they may
// reject (withdraw) their own. Shared by the app and the CLI (no `server-only`).
import type { Audited, AuditInput } from "@/lib/audit/events";
import { recordDecision } from "@/lib/approvals/server/store";
import type { Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import { decisionProblem, diffSummary, type FlagChangeDecision, requestDiff } from "../change-requests";
import { parseRequestId, toRequest } from "./change-requests";
import { type FlagPatch, updateFlag } from "./store";

export async function decideFlagChange(
  tx: Tx,
  id: string,
  d: FlagChangeDecision,
  now: Date,
): Promise<Audited<{ id: string; flagKey: string; version: number | null }>> {
  const key = parseRequestId(id);
  const locked = await tx.$queryRaw<{ flag_key: string }[]>`SELECT flag_key FROM flag_change_requests WHERE id = ${key} FOR UPDATE`;
  if (!locked.length) throw new DomainError("NOT_FOUND", `There is no flag change request #${id}.`);
  const flagKey = locked[0]!.flag_key;
  const flag = await tx.$queryRaw<{ version: number }[]>`SELECT version FROM feature_flags WHERE key = ${flagKey} FOR UPDATE`;
  const req = toRequest(await tx.flagChangeRequest.findUniqueOrThrow({ where: { id: key } }));
  const problem = decisionProblem(req, d, flag[0]?.version ?? null);
  if (problem) throw new DomainError(problem.code, problem.message);

  const audit: AuditInput[] = [];
  let version: number | null = null;
  if (d.kind === "approve") {
    const applied = await updateFlag(tx, flagKey, req.baseVersion, req.patch as FlagPatch, req.action, now, { approvedRequest: id });
    version = applied.data.version;
    // The change itself, in the requester's name, saying who approved it.
    const reason = `change request #${id}, approved by ${d.by}: ${d.comment}`;
    audit.push(...applied.audit.map((e) => ({ ...e, actor: req.requestedBy, reason })));
  }
  await recordDecision(tx, { kind: "flag", id }, { decision: d.kind, comment: d.comment }, d.by, now);
  const status = d.kind === "approve" ? "approved" : "rejected";
  audit.push({
    action: `flag.change_${d.kind}`,
    targetType: "flag_change",
    targetId: id,
    before: { status: "pending" },
    after: {
      status,
      flag: flagKey,
      requestedBy: req.requestedBy,
      diff: diffSummary(requestDiff(req.before, req.after)),
      ...(version !== null ? { version } : {}),
    },
    reason: d.comment,
  });
  return { data: { id, flagKey, version }, audit };
}
