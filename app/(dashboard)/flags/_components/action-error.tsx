import { FlagChangeDiff } from "./change-diff";
import { FieldErrorList } from "@/components/forms/issue-lists";
import type { FlagActionResult } from "./use-flags";

/**
 * A refused or invalid change: the reason, and which field and why. Or, on a protected flag, the
 * change request the edit became, with its diff.
 */
export function ActionError({ failure, testId = "flag-error" }: { failure: FlagActionResult | null; testId?: string }) {
  if (!failure) return null;
  if (failure.ok) {
    const request = failure.data.request;
    if (!request) return null;
    return (
      <div
        role="status"
        data-testid="change-request-notice"
        className="mt-3 rounded-md border border-violet-200 bg-violet-50 px-3 py-2 text-sm text-violet-900"
      >
        <p className="font-medium">
          <a href={`#change-request-${request.id}`} className="hover:underline">
            Change request #{request.id}
          </a>{" "}
          waits for approval by another product owner or an admin: the flag is protected, nothing changed yet.
        </p>
        <FlagChangeDiff diff={request.diff} />
      </div>
    );
  }
  return (
    <div role="status" data-testid={testId} className="mt-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      <p className="font-medium">{failure.message}</p>
      {failure.fieldErrors && <FieldErrorList errors={failure.fieldErrors} className="mt-1 space-y-0.5 font-mono text-xs" join="; " />}
    </div>
  );
}

export function ReadOnlyNote() {
  return <p className="text-xs text-slate-500">Read-only: product owners and admins change flags.</p>;
}
