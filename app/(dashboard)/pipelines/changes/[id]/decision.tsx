"use client";
// Approve or reject a pending pipeline change; the server re-checks role, four-eyes and state.
import { useState } from "react";
import { ActionOutcome, useServerAction } from "@/components/use-server-action";
import { approvePipelineChangeAction, rejectPipelineChangeAction } from "../actions";

export function ChangeDecision({
  id,
  canApprove,
  canReject,
  whyNot,
}: {
  id: string;
  canApprove: boolean;
  canReject: boolean;
  whyNot: string | null;
}) {
  const { result, pending, run } = useServerAction();
  const [comment, setComment] = useState("");
  return (
    <section className="rounded-xl border-2 border-violet-300 bg-violet-50 p-4" data-testid="change-decision">
      <h2 className="text-sm font-semibold text-violet-900">Four-eyes: a second release manager or an admin decides</h2>
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
              placeholder="e.g. the enterprise gate moves to the new wave; CAB-1234"
            />
          </label>
          <div className="mt-2 flex gap-2">
            {canApprove && (
              <button
                type="button"
                disabled={pending}
                onClick={() => run(approvePipelineChangeAction, { id, comment })}
                className="rounded-md bg-emerald-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50"
              >
                Approve and apply
              </button>
            )}
            <button
              type="button"
              disabled={pending}
              onClick={() => run(rejectPipelineChangeAction, { id, comment })}
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
