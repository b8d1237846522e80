"use server";
// Deciding pending pipeline changes (imports that weaken a pipeline's policy) through the one door.
// Four-eyes: the person who proposed a change cannot approve it; they may reject (withdraw) it.
import { requestDecisionActions } from "@/lib/approvals/server/decision-actions";
import { canApprove, canDecideGates } from "@/lib/auth/permissions";
import { decidePipelineChange, getPipelineChange } from "@/lib/rollouts/server/pipeline-changes";

const pipelineChangeDecisions = requestDecisionActions({
  names: { approve: "approve pipeline policy changes", reject: "reject pipeline policy changes" },
  permission: canDecideGates,
  store: { find: getPipelineChange, decide: decidePipelineChange },
  mayApprove: (user, change) => canApprove(user, { startedBy: change.proposedBy }),
  messages: {
    number: "a change number",
    notFound: (id) => `no pipeline change ${id}`,
    fourEyes: "four-eyes: the person who proposed a policy change cannot approve it",
  },
  revalidate: [{ layout: "/pipelines" }],
});

export const approvePipelineChangeAction = pipelineChangeDecisions.approve;
export const rejectPipelineChangeAction = pipelineChangeDecisions.reject;
