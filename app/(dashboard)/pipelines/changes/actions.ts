"use server";
// Deciding pending pipeline changes (imports that weaken a pipeline's policy) through the one door.
// Four-eyes: the person who proposed a change cannot approve it; they may reject (withdraw) it.
import { decisionInput } from "@/lib/approvals/decision-input";
import { canApprove, canDecideGates } from "@/lib/auth/permissions";
import { defineAction } from "@/lib/auth/server/action";
import { DomainError } from "@/lib/errors";
import { decidePipelineChange, getPipelineChange } from "@/lib/rollouts/server/pipeline-changes";

const decision = decisionInput("a change number");

export const approvePipelineChangeAction = defineAction({
  name: "approve pipeline policy changes",
  permission: canDecideGates,
  input: decision,
  async run({ tx, input, user }) {
    const change = await getPipelineChange(tx, input.id);
    if (!change) throw new DomainError("NOT_FOUND", `no pipeline change ${input.id}`);
    if (!canApprove(user, { startedBy: change.proposedBy }))
      throw new DomainError("PRECONDITION", "four-eyes: the person who proposed a policy change cannot approve it");
    return decidePipelineChange(tx, input.id, { kind: "approve", by: user.email, comment: input.comment }, new Date());
  },
  revalidate: [{ layout: "/pipelines" }],
});

export const rejectPipelineChangeAction = defineAction({
  name: "reject pipeline policy changes",
  permission: canDecideGates,
  input: decision,
  run: ({ tx, input, user }) => decidePipelineChange(tx, input.id, { kind: "reject", by: user.email, comment: input.comment }, new Date()),
  revalidate: [{ layout: "/pipelines" }],
});
