"use client";
// The migration page's interactive parts. Every button calls a one-door server action; the server
// re-checks role, four-eyes, the typed confirmation and the rollback rules.
import { Button } from "@/components/forms/button";
import { ReasonInput, TextField } from "@/components/forms/inputs";
import { useState } from "react";
import { ConfirmedAction, ConsequenceList } from "@/components/confirm/typed-confirmation";
import { BlastRadius } from "@/components/changes/blast-radius";
import { DecisionForm } from "@/components/forms/decision";
import { ActionOutcome, useServerAction } from "@/components/use-server-action";
import type { Consequences } from "@/lib/fleet/consequences";
import {
  approveMigrationAction,
  rejectMigrationAction,
  retryMigrationAction,
  rollbackCellAction,
  rollbackMigrationAction,
  startMigrationAction,
} from "../actions";

export function StartPanel({ id, defaultSpeed }: { id: string; defaultSpeed: number }) {
  const { result, pending, run } = useServerAction();
  const [speed, setSpeed] = useState(String(defaultSpeed));
  return (
    <section className="rounded-xl border border-indigo-200 bg-indigo-50 p-4" data-testid="start-panel">
      <h2 className="text-sm font-semibold text-indigo-900">Start this migration</h2>
      <p className="mt-1 text-sm text-indigo-800">
        Canary first. One clock for the whole run: the waits between steps and the bakes of the releases its deployment phases start are
        divided by the speed (1 = real time); it is recorded in the audit trail.
      </p>
      <TextField
        caption="Speed (time scale)"
        captionClass="text-indigo-900"
        label="Speed"
        value={speed}
        onChange={setSpeed}
        border="border-indigo-300"
      />
      <Button variant="primary" className="mt-2" disabled={pending} onClick={() => run(startMigrationAction, { id, speed })}>
        Start migration
      </Button>
      <ActionOutcome result={result} />
    </section>
  );
}

export function MigrationApproval({
  id,
  phase,
  step,
  title,
  cells,
  confirmRequired,
  consequences,
  canDecide,
  whyNot,
}: {
  id: string;
  phase: number;
  step: number;
  title: string;
  cells: string[];
  confirmRequired: boolean;
  /** The step's cells and the customers homed there (enterprise ones named). */
  consequences: Consequences;
  canDecide: boolean;
  whyNot: string | null;
}) {
  const { result, pending, run } = useServerAction();
  const [seen, setSeen] = useState<string[] | null>(null);
  return (
    <section
      className={`rounded-xl border-2 p-4 ${confirmRequired ? "border-red-300 bg-red-50" : "border-violet-300 bg-violet-50"}`}
      data-testid="migration-approval"
    >
      <h2 className="text-sm font-semibold">Approval: {title}</h2>
      <p className="mt-1 text-sm">{cells.join(", ")} wait for a release manager other than the one who started this migration.</p>
      {confirmRequired && (
        <p className="mt-2 rounded-md bg-red-100 p-2 text-sm font-semibold text-red-900" data-testid="point-of-no-return">
          Point of no return: this drops the old column on {cells.join(", ")}. It cannot be undone — no rollback is possible afterwards.
        </p>
      )}
      {confirmRequired && (
        <div className="mt-2">
          <ConsequenceList consequences={consequences} what="Approving contracts the schema on" />
        </div>
      )}
      {canDecide && confirmRequired && (
        <div className="mt-3">
          <BlastRadius target={{ kind: "migration", id, phase, step }} onSeen={setSeen} />
        </div>
      )}
      <DecisionForm
        canDecide={canDecide}
        whyNot={whyNot}
        label="Approval comment"
        tone="plain"
        confirmId={confirmRequired ? id : null}
        pending={pending}
        onApprove={(comment, confirm) =>
          run(approveMigrationAction, { id, phase, step, comment, confirm, ...(seen ? { seenWarnings: seen } : {}) })
        }
        onReject={(comment) => run(rejectMigrationAction, { id, phase, step, comment })}
      />
      <ActionOutcome result={result} />
    </section>
  );
}

export function RollbackControls({
  id,
  migration,
  cells,
  canRollback,
  canRetry,
  consequences,
}: {
  id: string;
  migration: { allowed: boolean; reason: string };
  cells: { cell: string; allowed: boolean; reason: string }[];
  canRollback: boolean;
  canRetry: boolean;
  /** Every cell of the migration and the customers homed there. */
  consequences: Consequences;
}) {
  const { result, pending, run } = useServerAction();
  const [reason, setReason] = useState("");
  const offered = cells.filter((c) => c.allowed);
  return (
    <section className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm" data-testid="rollback-controls">
      <h2 className="mb-2 text-sm font-semibold text-slate-700">Rollback</h2>
      <p className="text-sm text-slate-700" data-testid="rollback-reason">
        {migration.allowed ? `Rolling back will: ${migration.reason}.` : `Not offered: ${migration.reason}.`}
      </p>
      {canRollback && (migration.allowed || offered.length > 0) && (
        <>
          <ReasonInput label="Rollback reason" value={reason} onChange={setReason} className="mt-2 w-full" />
          {migration.allowed && (
            <ConfirmedAction
              consequences={consequences}
              what="Rolling back undoes the migration on"
              phrase={id}
              label="Type the migration id to confirm"
              testId="rollback-confirmation"
              variant="caution"
              pending={pending}
              onConfirm={(typed) => run(rollbackMigrationAction, { id, reason, confirm: typed })}
            >
              Roll back migration
            </ConfirmedAction>
          )}
          {offered.length > 0 && (
            <ul className="mt-2 space-y-2 text-xs">
              {offered.map((c) => (
                <li key={c.cell} className="flex flex-wrap items-center justify-between gap-2">
                  <span className="min-w-0 flex-1 basis-40 break-words">{c.reason}</span>
                  <button
                    type="button"
                    disabled={pending}
                    onClick={() => run(rollbackCellAction, { id, cell: c.cell, reason })}
                    className="shrink-0 rounded border border-orange-300 px-2 py-0.5 text-orange-800"
                  >
                    Roll back {c.cell}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      {canRetry && (
        <button
          type="button"
          disabled={pending}
          onClick={() => run(retryMigrationAction, { id })}
          className="mt-2 rounded-md border border-slate-300 px-3 py-1.5 text-sm"
        >
          Retry failed cells
        </button>
      )}
      <ActionOutcome result={result} />
    </section>
  );
}

/** One held cell's controls: retry it, or roll back its latest phase (with a reason). */
export function CellActions({
  id,
  cell,
  retry,
  rollback,
  whyNoRollback,
}: {
  id: string;
  cell: string;
  retry: boolean;
  /** What rolling this cell back would do, when offered. */
  rollback: string | null;
  whyNoRollback: string | null;
}) {
  const { result, pending, run } = useServerAction();
  const [reason, setReason] = useState("");
  return (
    <div className="mt-1" data-testid="cell-actions">
      <div className="flex flex-wrap items-center gap-2">
        {retry && (
          <button
            type="button"
            disabled={pending}
            onClick={() => run(retryMigrationAction, { id, cell })}
            className="rounded-md border border-slate-300 bg-white px-2 py-0.5 text-xs font-medium"
          >
            Retry {cell}
          </button>
        )}
        {rollback && (
          <>
            <ReasonInput label={`Reason to roll back ${cell}`} value={reason} onChange={setReason} small />
            <button
              type="button"
              disabled={pending}
              title={rollback}
              onClick={() => run(rollbackCellAction, { id, cell, reason })}
              className="rounded-md border border-orange-300 bg-orange-50 px-2 py-0.5 text-xs text-orange-800"
            >
              Roll back {cell}
            </button>
          </>
        )}
      </div>
      {rollback && <p className="mt-0.5 text-xs text-slate-600">Roll back: {rollback}.</p>}
      {!rollback && whyNoRollback && <p className="mt-0.5 text-xs text-slate-500">No rollback: {whyNoRollback}.</p>}
      <ActionOutcome result={result} />
    </div>
  );
}
