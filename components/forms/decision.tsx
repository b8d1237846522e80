"use client";
// What every approval gate asks of the one who decides: a comment (required by the server), the
// typed id of an irreversible step, and the approve / reject buttons. The server re-checks role,
// four-eyes and the typed id; these only collect them.
import { useState } from "react";
import { Button } from "./button";
import { TextField } from "./inputs";

const TONES = {
  /** On a violet gate panel. */
  violet: { text: "text-violet-900", border: "border-violet-300" },
  /** On a white card. */
  slate: { text: "text-slate-700", border: "border-slate-300" },
  /** On a panel whose colour says the risk (the label keeps the panel's text colour). */
  plain: { text: undefined, border: "border-slate-300" },
};

function DecisionComment({
  label,
  value,
  onChange,
  placeholder,
  tone,
  className = "mt-3",
}: {
  /** The text box's accessible name, e.g. "Approval comment". */
  label: string;
  value: string;
  onChange: (v: string) => void;
  placeholder?: string;
  tone: keyof typeof TONES;
  className?: string;
}) {
  const t = TONES[tone];
  return (
    <label className={`${className} block text-sm`.trim()}>
      <span className={t.text}>Comment (required)</span>
      <textarea
        aria-label={label}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        rows={2}
        className={`mt-1 w-full rounded-md border ${t.border} bg-white p-2 text-sm`}
        placeholder={placeholder}
      />
    </label>
  );
}

/** An irreversible migration step is approved by typing its migration id. */
function TypedMigrationId({ id, value, onChange }: { id: string; value: string; onChange: (v: string) => void }) {
  return (
    <TextField
      caption={
        <>
          Type the migration id <code className="break-all font-mono">{id}</code> to confirm
        </>
      }
      label="Type the migration id to confirm"
      value={value}
      onChange={onChange}
      border="border-red-300 font-mono"
    />
  );
}

/** Approve (left out when `onApprove` is not given) and reject, side by side. */
function DecisionButtons({
  pending,
  onApprove,
  onReject,
  approveBlocked = false,
  approveLabel = "Approve",
  rejectLabel = "Reject",
}: {
  pending: boolean;
  onApprove?: () => void;
  onReject: () => void;
  /** The approval is not possible yet (e.g. the id is not typed). */
  approveBlocked?: boolean;
  approveLabel?: string;
  rejectLabel?: string;
}) {
  return (
    <div className="mt-2 flex gap-2">
      {onApprove && (
        <Button variant="approve" disabled={pending || approveBlocked} onClick={onApprove}>
          {approveLabel}
        </Button>
      )}
      <Button variant="danger" disabled={pending} onClick={onReject}>
        {rejectLabel}
      </Button>
    </div>
  );
}

/**
 * The decision on one gate: the comment, the typed id when the step is irreversible, and the buttons;
 * or, for a viewer who may not decide, why not.
 */
export function DecisionForm({
  canDecide = true,
  whyNot = null,
  label,
  tone,
  placeholder,
  className,
  confirmId = null,
  pending,
  onApprove,
  onReject,
  approveLabel,
  rejectLabel,
}: {
  canDecide?: boolean;
  whyNot?: string | null;
  /** The comment box's accessible name. */
  label: string;
  tone: keyof typeof TONES;
  placeholder?: string;
  className?: string;
  /** The migration id to type before approving an irreversible step (null: nothing to type). */
  confirmId?: string | null;
  pending: boolean;
  /** Left out: the gate can only be rejected (or withdrawn). */
  onApprove?: (comment: string, confirm: string) => void;
  onReject: (comment: string) => void;
  approveLabel?: string;
  rejectLabel?: string;
}) {
  const [comment, setComment] = useState("");
  const [confirm, setConfirm] = useState("");
  if (!canDecide)
    return (
      <p className={`mt-3 text-sm font-medium ${TONES[tone].text ?? ""}`.trim()} data-testid="approval-not-allowed">
        {whyNot}
      </p>
    );
  return (
    <>
      <DecisionComment label={label} value={comment} onChange={setComment} tone={tone} placeholder={placeholder} className={className} />
      {confirmId !== null && <TypedMigrationId id={confirmId} value={confirm} onChange={setConfirm} />}
      <DecisionButtons
        pending={pending}
        approveBlocked={confirmId !== null && confirm.trim() !== confirmId}
        onApprove={onApprove && (() => onApprove(comment, confirm))}
        approveLabel={approveLabel}
        onReject={() => onReject(comment)}
        rejectLabel={rejectLabel}
      />
    </>
  );
}
