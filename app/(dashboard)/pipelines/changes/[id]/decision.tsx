"use client";
// Approve or reject a pending pipeline change; the server re-checks role, four-eyes and state.
import type { ComponentProps } from "react";
import { ChangeDecision as Decision } from "@/components/approvals/change-decision";
import { approvePipelineChangeAction, rejectPipelineChangeAction } from "../actions";

/** The shared decision with the pipeline change's actions and words; the page says who may decide. */
export function ChangeDecision(props: Pick<ComponentProps<typeof Decision>, "id" | "canApprove" | "canReject" | "whyNot">) {
  return (
    <Decision
      {...props}
      approve={approvePipelineChangeAction}
      reject={rejectPipelineChangeAction}
      title="Four-eyes: a second release manager or an admin decides"
      placeholder="e.g. the enterprise gate moves to the new wave; CAB-1234"
    />
  );
}
