// Save an edited draft, or put it back as it was: the row under every editor of a saved thing.
import type { ReactNode } from "react";
import { Button } from "./button";

export function SaveBar({
  label,
  testId,
  dirty,
  pending,
  onSave,
  onDiscard,
  discardLabel = "Discard",
  className,
  children,
}: {
  /** What saving does, e.g. "Save targeting" (it says "Saving…" while it runs). */
  label: string;
  testId: string;
  dirty: boolean;
  pending: boolean;
  onSave: () => void;
  onDiscard: () => void;
  discardLabel?: string;
  className?: string;
  /** A note beside the buttons. */
  children?: ReactNode;
}) {
  return (
    <div className={`${className ?? ""} flex items-center gap-3`.trim()}>
      <Button variant="primary" data-testid={testId} disabled={!dirty || pending} onClick={onSave}>
        {pending ? "Saving…" : label}
      </Button>
      {dirty && (
        <Button variant="link" onClick={onDiscard}>
          {discardLabel}
        </Button>
      )}
      {children}
    </div>
  );
}
