"use client";
// Consequences before a destructive click: the cells a step touches, the customers homed in them
// (enterprise customers by name), and a box to type the confirmation phrase. The caller keeps the
// typed text and enables its button when `confirms(typed, phrase)` (the server checks it again).
import { TriangleAlert } from "lucide-react";
import { type ReactNode, useState } from "react";
import { Button, type ButtonVariant } from "@/components/forms/button";
import { type Consequences, confirms } from "@/lib/fleet/consequences";
import { plural } from "@/lib/format";

/** "smb-us-1, smb-us-2 and 9 more" */
function someCells(cells: string[], max = 8) {
  return cells.length <= max ? cells.join(", ") : `${cells.slice(0, max).join(", ")} and ${cells.length - max} more`;
}

export function ConsequenceList({ consequences: c, what }: { consequences: Consequences; what: ReactNode }) {
  return (
    <div className="text-sm" data-testid="consequences">
      <p>
        {what} <b>{plural(c.cells.length, "cell")}</b>
        {c.cells.length > 0 && <span className="font-mono text-xs"> ({someCells(c.cells)})</span>}, home of{" "}
        <b>{plural(c.customers, "customer")}</b>
        {c.enterprise.length > 0
          ? ", among them these enterprise customers:"
          : c.customers > 0
            ? ", none of them enterprise customers."
            : "."}
      </p>
      {c.enterprise.length > 0 && (
        <ul className="mt-1 flex flex-wrap gap-1" data-testid="consequences-enterprise">
          {c.enterprise.map((e) => (
            <li key={e.id} className="rounded bg-white px-1.5 py-0.5 text-xs ring-1 ring-red-200">
              {e.name} <span className="font-mono text-slate-500">({e.cell})</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function TypedConfirmation({
  consequences,
  what,
  phrase,
  label,
  value,
  onChange,
  children,
  testId = "typed-confirmation",
}: {
  consequences: Consequences;
  /** How the step touches the cells, e.g. "Aborting leaves the new version on". */
  what: ReactNode;
  phrase: string;
  /** The input's accessible name, e.g. "Type the release id to confirm". */
  label: string;
  value: string;
  onChange: (v: string) => void;
  /** The buttons (the caller's), under the box. */
  children?: ReactNode;
  testId?: string;
}) {
  return (
    <div className="mt-2 rounded-lg border border-red-300 bg-red-50 p-3 text-red-950" data-testid={testId}>
      <p className="mb-1 flex items-center gap-1.5 text-sm font-semibold">
        <TriangleAlert aria-hidden className="h-4 w-4 shrink-0" /> Before you confirm
      </p>
      <ConsequenceList consequences={consequences} what={what} />
      <label className="mt-2 block text-sm">
        <span>
          {label}: <code className="break-all rounded bg-white px-1 font-mono text-xs">{phrase}</code>
        </span>
        <input
          aria-label={label}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          className="mt-1 w-full rounded-md border border-red-300 bg-white px-2 py-1 font-mono text-sm"
        />
      </label>
      {children && <div className="mt-2 flex flex-wrap gap-2">{children}</div>}
    </div>
  );
}

/**
 * A destructive step behind a typed confirmation: the box keeps what is typed, and the step's one
 * button is enabled once it matches the phrase; the click hands the typed text on (the server checks it).
 */
export function ConfirmedAction({
  pending,
  onConfirm,
  variant,
  className,
  children,
  ...box
}: Omit<Parameters<typeof TypedConfirmation>[0], "value" | "onChange"> & {
  pending: boolean;
  onConfirm: (typed: string) => void;
  variant: ButtonVariant;
  className?: string;
}) {
  const [typed, setTyped] = useState("");
  return (
    <TypedConfirmation {...box} value={typed} onChange={setTyped}>
      <Button variant={variant} className={className} disabled={pending || !confirms(typed, box.phrase)} onClick={() => onConfirm(typed)}>
        {children}
      </Button>
    </TypedConfirmation>
  );
}
