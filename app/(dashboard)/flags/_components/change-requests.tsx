// A protected flag's change requests on its page: the pending ones with their diff and the decision
// (another product owner or an admin approves; the requester may withdraw), then the last decided.
import { ChangeDecision } from "@/components/approvals/change-decision";
import { FLAG_CHANGE, gateVerdict } from "@/lib/approvals/four-eyes";
import type { Principal } from "@/lib/auth/roles";
import { canDecideFlagChanges } from "@/lib/auth/permissions";
import { type FlagChangeRequest, requestDiff, staleness } from "@/lib/flags/change-requests";
import { approveFlagChangeAction, rejectFlagChangeAction } from "../actions";
import { FlagChangeDiff } from "./change-diff";

const utc = (d: Date) => `${d.toISOString().replace("T", " ").slice(0, 16)} UTC`;

function outcome(r: FlagChangeRequest): string {
  if (r.status === "pending") return "waits for approval";
  if (r.status === "rejected" && r.decidedBy === r.requestedBy) return `withdrawn ${utc(r.decidedAt!)}`;
  return `${r.status} by ${r.decidedBy} ${utc(r.decidedAt!)}`;
}

export function ChangeRequests({ requests, version, user }: { requests: FlagChangeRequest[]; version: number; user: Principal }) {
  if (requests.length === 0)
    return (
      <p className="text-sm text-slate-500">
        No change requests yet. Changes by a person wait here for a second product owner or an admin.
      </p>
    );
  return (
    <ul className="space-y-4" data-testid="change-requests">
      {requests.map((r) => {
        const stale = r.status === "pending" ? staleness(r, version) : null;
        const verdict = gateVerdict(user, r, FLAG_CHANGE);
        const own = r.requestedBy === user.email;
        return (
          <li
            key={r.id}
            id={`change-request-${r.id}`}
            className="scroll-mt-20 rounded-lg border border-slate-200 p-3"
            data-testid="change-request"
            data-status={r.status}
          >
            <p className="text-sm">
              <span className="font-medium">Change request #{r.id}</span> ({r.action}) by {r.requestedBy} {utc(r.requestedAt)} against
              version {r.baseVersion} — <span data-testid="change-request-status">{outcome(r)}</span>
            </p>
            {r.requestComment && <p className="mt-1 text-xs text-slate-600">“{r.requestComment}”</p>}
            {r.decisionComment && <p className="mt-1 text-xs text-slate-600">Decision: “{r.decisionComment}”</p>}
            <FlagChangeDiff diff={requestDiff(r.before, r.after)} />
            {stale && (
              <p className="mt-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800" data-testid="change-request-stale">
                {stale}
              </p>
            )}
            {r.status === "pending" && (
              <div className="mt-3">
                <ChangeDecision
                  id={r.id}
                  approve={approveFlagChangeAction}
                  reject={rejectFlagChangeAction}
                  canApprove={verdict.ok && !stale}
                  canReject={canDecideFlagChanges(user)}
                  whyNot={verdict.ok ? null : own ? `${verdict.message} You may withdraw it.` : verdict.message}
                  title="Four-eyes: another product owner or an admin decides"
                  placeholder="e.g. checked the CPU graphs of the smb cells; go"
                  testId="change-request-decision"
                />
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
