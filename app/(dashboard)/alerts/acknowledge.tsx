"use client";
// Acknowledge a group of firing alerts with a comment (the server re-checks the role).
import { Button } from "@/components/forms/button";
import { ReasonInput } from "@/components/forms/inputs";
import { useState } from "react";
import { ActionOutcome, useServerAction } from "@/components/use-server-action";
import { acknowledgeAction } from "./actions";
import { plural } from "@/lib/format";

export function AcknowledgeGroup({ type, pendingAlerts }: { type: string; pendingAlerts: number }) {
  const { result, pending, run } = useServerAction();
  const [comment, setComment] = useState("");
  return (
    <div className="mt-2" data-testid="acknowledge">
      <div className="flex flex-wrap items-center gap-2">
        <ReasonInput
          label={`Acknowledgement comment for ${type}`}
          value={comment}
          onChange={setComment}
          placeholder="What is being done, e.g. paged carrier; INC-4521"
          className="min-w-72 flex-1"
        />
        <Button variant="soft" disabled={pending} onClick={() => run(acknowledgeAction, { type, comment })}>
          Acknowledge {plural(pendingAlerts, "alert")}
        </Button>
      </div>
      <ActionOutcome result={result} />
    </div>
  );
}
