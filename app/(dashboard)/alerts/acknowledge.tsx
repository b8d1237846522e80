"use client";
// Acknowledge a group of firing alerts with a comment (the server re-checks the role).
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
        <input
          aria-label={`Acknowledgement comment for ${type}`}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          placeholder="What is being done, e.g. paged carrier; INC-4521"
          className="min-w-72 flex-1 rounded-md border border-slate-300 px-2 py-1 text-sm"
        />
        <button
          type="button"
          disabled={pending}
          onClick={() => run(acknowledgeAction, { type, comment })}
          className="rounded-md border border-indigo-300 bg-indigo-50 px-3 py-1 text-sm font-medium text-indigo-800 disabled:opacity-50"
        >
          Acknowledge {plural(pendingAlerts, "alert")}
        </button>
      </div>
      <ActionOutcome result={result} />
    </div>
  );
}
