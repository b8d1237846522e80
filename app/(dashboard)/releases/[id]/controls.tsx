"use client";
// The release page's interactive parts: the approval panel and the controls. Every button calls a
// one-door server action; the server re-checks role, four-eyes and state.
import { useState } from "react";
import { ActionOutcome, useServerAction, type ServerAction } from "@/components/use-server-action";
import { abortAction, advanceAction, approveAction, pauseAction, rejectAction, resumeAction, rollbackAction } from "../actions";

export function ApprovalPanel({
  id,
  wave,
  waveName,
  cells,
  canDecide,
  whyNot,
}: {
  id: string;
  wave: number;
  waveName: string;
  cells: string[];
  canDecide: boolean;
  whyNot: string | null;
}) {
  const { result, pending, run } = useServerAction();
  const [comment, setComment] = useState("");
  return (
    <section className="rounded-xl border-2 border-violet-300 bg-violet-50 p-4" data-testid="approval-panel">
      <h2 className="text-sm font-semibold text-violet-900">Approval gate: {waveName}</h2>
      <p className="mt-1 text-sm text-violet-800">
        Deploys to {cells.join(", ")} wait for a release manager other than the one who started this release.
      </p>
      {canDecide ? (
        <>
          <label className="mt-3 block text-sm">
            <span className="text-violet-900">Comment (required)</span>
            <textarea
              aria-label="Approval comment"
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              rows={2}
              className="mt-1 w-full rounded-md border border-violet-300 bg-white p-2 text-sm"
              placeholder="e.g. CAB-1234 approved; customers notified"
            />
          </label>
          <div className="mt-2 flex gap-2">
            <button
              type="button"
              disabled={pending}
              onClick={() => run(approveAction, { id, wave, comment })}
              className="rounded-md bg-emerald-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50"
            >
              Approve
            </button>
            <button
              type="button"
              disabled={pending}
              onClick={() => run(rejectAction, { id, wave, comment })}
              className="rounded-md bg-red-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50"
            >
              Reject
            </button>
          </div>
        </>
      ) : (
        <p className="mt-3 text-sm font-medium text-violet-900" data-testid="approval-not-allowed">
          {whyNot}
        </p>
      )}
      <ActionOutcome result={result} />
    </section>
  );
}

export function ReleaseControls({
  id,
  status,
  waveState,
  can,
}: {
  id: string;
  status: string;
  waveState: string | null;
  can: { pause: boolean; abort: boolean; rollback: boolean; advance: boolean };
}) {
  const { result, pending, run } = useServerAction();
  const [reason, setReason] = useState("");
  const active = ["running", "awaiting_approval", "paused"].includes(status);
  if (!active) return null;
  const live = waveState === "DEPLOYING" || waveState === "BAKING" || waveState === "VALIDATING";
  const buttons: { label: string; act: ServerAction; show: boolean; needsReason: boolean; tone: string; title: string }[] = [
    {
      label: "Pause",
      act: pauseAction,
      show: can.pause && status !== "paused",
      needsReason: false,
      tone: "border-slate-300 bg-white",
      title: "Stop advancing; bake timers keep running",
    },
    {
      label: "Resume",
      act: resumeAction,
      show: can.pause && status === "paused",
      needsReason: false,
      tone: "border-slate-300 bg-white",
      title: "Continue from where it stopped",
    },
    {
      label: "Advance now",
      act: advanceAction,
      show: can.advance && waveState === "BAKING",
      needsReason: true,
      tone: "border-indigo-300 bg-indigo-50 text-indigo-800",
      title: "Skip the rest of this bake (audited)",
    },
    {
      label: "Roll back wave",
      act: rollbackAction,
      show: can.rollback && live,
      needsReason: true,
      tone: "border-orange-300 bg-orange-50 text-orange-800",
      title: "Restore the previous versions on this wave's cells",
    },
    {
      label: "Abort release",
      act: abortAction,
      show: can.abort,
      needsReason: true,
      tone: "border-red-300 bg-red-50 text-red-800",
      title: "Stop here; later waves never start",
    },
  ];
  const shown = buttons.filter((b) => b.show);
  if (!shown.length) return null;
  return (
    <section className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm" data-testid="release-controls">
      <h2 className="mb-2 text-sm font-semibold text-slate-700">Controls</h2>
      <input
        aria-label="Reason"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        placeholder="Reason (required to advance, roll back or abort)"
        className="mb-2 w-full rounded-md border border-slate-300 px-2 py-1 text-sm"
      />
      <div className="flex flex-wrap gap-2">
        {shown.map((b) => (
          <button
            key={b.label}
            type="button"
            title={b.title}
            disabled={pending}
            onClick={() => run(b.act, { id, reason })}
            className={`rounded-md border px-3 py-1.5 text-sm font-medium disabled:opacity-50 ${b.tone}`}
          >
            {b.label}
          </button>
        ))}
      </div>
      <ActionOutcome result={result} />
    </section>
  );
}
