"use client";
// The release page's interactive parts: the approval panel and the controls. Every button calls a
// one-door server action; the server re-checks role, four-eyes and state.
import { Button } from "@/components/forms/button";
import { ReasonInput } from "@/components/forms/inputs";
import { Undo2 } from "lucide-react";
import { useState } from "react";
import { ConfirmedAction, ConsequenceList } from "@/components/confirm/typed-confirmation";
import { DecisionForm } from "@/components/forms/decision";
import { ActionOutcome, useServerAction, type ServerAction } from "@/components/use-server-action";
import type { Consequences } from "@/lib/fleet/consequences";
import { plural } from "@/lib/format";
import {
  abortAction,
  advanceAction,
  approveAction,
  pauseAction,
  rejectAction,
  resumeAction,
  rollbackAction,
  rollbackReleaseAction,
} from "../actions";

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
  return (
    <section className="rounded-xl border-2 border-violet-300 bg-violet-50 p-4" data-testid="approval-panel">
      <h2 className="text-sm font-semibold text-violet-900">Approval gate: {waveName}</h2>
      <p className="mt-1 text-sm text-violet-800">
        Deploys to {cells.join(", ")} wait for a release manager other than the one who started this release.
      </p>
      <DecisionForm
        canDecide={canDecide}
        whyNot={whyNot}
        label="Approval comment"
        tone="violet"
        placeholder="e.g. CAB-1234 approved; customers notified"
        pending={pending}
        onApprove={(comment) => run(approveAction, { id, wave, comment })}
        onReject={(comment) => run(rejectAction, { id, wave, comment })}
      />
      <ActionOutcome result={result} />
    </section>
  );
}

export function ReleaseControls({
  id,
  status,
  waveState,
  can,
  abortTouches,
}: {
  id: string;
  status: string;
  waveState: string | null;
  can: { pause: boolean; abort: boolean; rollback: boolean; advance: boolean };
  /** The cells an abort leaves on the new version, and their customers. */
  abortTouches: Consequences;
}) {
  const { result, pending, run } = useServerAction();
  const [reason, setReason] = useState("");
  const [aborting, setAborting] = useState(false);
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
      title: "Stop advancing; the bake clock stops too and resumes where it stopped",
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
  ];
  const shown = buttons.filter((b) => b.show);
  if (!shown.length && !can.abort) return null;
  return (
    <section className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm" data-testid="release-controls">
      <h2 className="mb-2 text-sm font-semibold text-slate-700">Controls</h2>
      <ReasonInput
        label="Reason"
        value={reason}
        onChange={setReason}
        placeholder="Reason (required to advance, roll back or abort)"
        className="mb-2 w-full"
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
        {can.abort && (
          <button
            type="button"
            title="Stop here; later waves never start, deployed waves keep the new version"
            aria-expanded={aborting}
            onClick={() => setAborting(!aborting)}
            className="rounded-md border border-red-300 bg-red-50 px-3 py-1.5 text-sm font-medium text-red-800"
          >
            Abort release…
          </button>
        )}
      </div>
      {aborting && (
        <ConfirmedAction
          consequences={abortTouches}
          what="Aborting stops here: later waves never start, and the new version stays on"
          phrase={id}
          label="Type the release id to confirm"
          testId="abort-confirmation"
          variant="danger"
          pending={pending}
          onConfirm={(typed) => run(abortAction, { id, reason, confirm: typed })}
        >
          Abort release
        </ConfirmedAction>
      )}
      <ActionOutcome result={result} />
    </section>
  );
}

/**
 * A rolled-back or aborted release whose earlier waves kept the new version says so, and offers to
 * roll the whole release back (SREs and release managers, with a reason; audited).
 */
export function KeptWaves({
  id,
  status,
  waves,
  versions,
  consequences,
  canRollback,
}: {
  id: string;
  status: string;
  waves: { name: string; cells: string[]; state: string }[];
  versions: string;
  consequences: Consequences;
  canRollback: boolean;
}) {
  const { result, pending, run } = useServerAction();
  const [reason, setReason] = useState("");
  if (status === "rolling_back")
    return (
      <section className="mb-6 rounded-xl border border-orange-300 bg-orange-50 p-4 text-sm text-orange-900" data-testid="kept-waves">
        <p className="flex items-center gap-2 font-semibold">
          <Undo2 aria-hidden className="h-4 w-4" /> The whole release is rolling back: every wave that kept {versions} is being set back to
          its previous versions.
        </p>
      </section>
    );
  const cells = waves.flatMap((w) => w.cells);
  return (
    <section className="mb-6 rounded-xl border-2 border-orange-300 bg-orange-50 p-4 text-sm text-orange-950" data-testid="kept-waves">
      <h2 className="flex items-center gap-2 font-semibold">
        <Undo2 aria-hidden className="h-4 w-4" />
        {status === "aborted" ? "Aborted" : "Rolled back"} — but {plural(waves.length, "wave")} kept {versions} on{" "}
        {plural(cells.length, "cell")}
      </h2>
      <p className="mt-1">
        {status === "aborted"
          ? "An abort stops the release where it is; waves that deployed keep the new version."
          : "Only the failing wave was rolled back; earlier waves passed their checks and keep the new version."}{" "}
        The fleet now runs mixed versions.
      </p>
      <ul className="mt-2 space-y-0.5" data-testid="kept-wave-list">
        {waves.map((w) => (
          <li key={w.name}>
            <b>{w.name}</b> <span className="font-mono text-xs">({w.cells.join(", ")})</span>
          </li>
        ))}
      </ul>
      {canRollback ? (
        <div className="mt-3 rounded-lg border border-orange-200 bg-white p-3">
          <ConsequenceList consequences={consequences} what="Rolling back the whole release restores the previous versions on" />
          <ReasonInput
            label="Reason to roll back the whole release"
            value={reason}
            onChange={setReason}
            placeholder="Reason (required, audited)"
            className="mt-2 w-full"
          />
          <Button variant="rollback" className="mt-2" disabled={pending} onClick={() => run(rollbackReleaseAction, { id, reason })}>
            Roll back the whole release
          </Button>
          <ActionOutcome result={result} />
        </div>
      ) : (
        <p className="mt-2 text-xs">SREs and release managers can roll back the whole release.</p>
      )}
    </section>
  );
}
