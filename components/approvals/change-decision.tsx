"use client";
// Approve or reject a pending change (a pipeline policy change, a flag change request) with a
// comment; the server re-checks role, four-eyes and state. The requester may withdraw their own.
import { DecisionForm } from "@/components/forms/decision";
import { ActionOutcome, type ServerAction, useServerAction } from "@/components/use-server-action";

export function ChangeDecision({
  id,
  approve,
  reject,
  canApprove,
  canReject,
  whyNot,
  title,
  placeholder,
  testId = "change-decision",
}: {
  id: string;
  approve: ServerAction;
  reject: ServerAction;
  canApprove: boolean;
  canReject: boolean;
  whyNot: string | null;
  title: string;
  placeholder: string;
  testId?: string;
}) {
  const { result, pending, run } = useServerAction();
  return (
    <section className="rounded-xl border-2 border-violet-300 bg-violet-50 p-4" data-testid={testId}>
      <h2 className="text-sm font-semibold text-violet-900">{title}</h2>
      {whyNot && (
        <p className="mt-2 text-sm font-medium text-violet-900" data-testid="change-not-allowed">
          {whyNot}
        </p>
      )}
      {(canApprove || canReject) && (
        <DecisionForm
          label="Decision comment"
          tone="violet"
          placeholder={placeholder}
          pending={pending}
          approveLabel="Approve and apply"
          onApprove={canApprove ? (comment) => run(approve, { id, comment }) : undefined}
          rejectLabel={canApprove ? "Reject" : "Withdraw"}
          onReject={(comment) => run(reject, { id, comment })}
        />
      )}
      <ActionOutcome result={result} />
    </section>
  );
}
