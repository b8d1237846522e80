"use client";
// Approve or reject a pending change (a pipeline policy change, a flag change request) with a
// comment; the server re-checks role, four-eyes and state. The requester may withdraw their own.
import { useState } from "react";
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
  const [comment, setComment] = useState("");
  return (
    <section className="rounded-xl border-2 border-violet-300 bg-violet-50 p-4" data-testid={testId}>
      <h2 className="text-sm font-semibold text-violet-900">{title}</h2>
      {whyNot && (
        <p className="mt-2 text-sm font-medium text-violet-900" data-testid="change-not-allowed">
          {whyNot}
        </p>
      )}
      {(canApprove || canReject) && (
        <>
          <label className="mt-3 block text-sm">
            <span className="text-violet-900">Comment (required)</span>
            <textarea
              aria-label="Decision comment"
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              rows={2}
              className="mt-1 w-full rounded-md border border-violet-300 bg-white p-2 text-sm"
              placeholder={placeholder}
            />
          </label>
          <div className="mt-2 flex gap-2">
            {canApprove && (
              <button
                type="button"
                disabled={pending}
                onClick={() => run(approve, { id, comment })}
                className="rounded-md bg-emerald-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50"
              >
                Approve and apply
              </button>
            )}
            <button
              type="button"
              disabled={pending}
              onClick={() => run(reject, { id, comment })}
              className="rounded-md bg-red-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50"
            >
              {canApprove ? "Reject" : "Withdraw"}
            </button>
          </div>
        </>
      )}
      <ActionOutcome result={result} />
    </section>
  );
}
