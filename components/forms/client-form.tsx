// A form whose submit is handled in the browser (a server action called with its fields, a URL
// updated): the page never reloads, and the handler gets the form's fields.
import type { ReactNode } from "react";

export function ClientForm({
  onSubmit,
  className,
  testId,
  noValidate,
  children,
}: {
  onSubmit: (fields: FormData) => void;
  className?: string;
  testId?: string;
  /** The handler (and the server) validate, not the browser. */
  noValidate?: boolean;
  children: ReactNode;
}) {
  return (
    <form
      data-testid={testId}
      className={className}
      noValidate={noValidate}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(new FormData(e.currentTarget));
      }}
    >
      {children}
    </form>
  );
}
