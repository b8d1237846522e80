"use client";
// Approve or reject a pending pipeline change; the server re-checks role, four-eyes and state.
import { ChangeDecision as Decision } from "@/components/approvals/change-decision";
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
  return (
    <Decision
      id={id}
      approve={approvePipelineChangeAction}
      reject={rejectPipelineChangeAction}
      canApprove={canApprove}
      canReject={canReject}
      whyNot={whyNot}
      title="Four-eyes: a second release manager or an admin decides"
      placeholder="e.g. the enterprise gate moves to the new wave; CAB-1234"
    />
  );
}
