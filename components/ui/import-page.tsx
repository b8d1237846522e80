// A YAML import page: its header, and for a role that may not apply the file, a note saying so above
// the form (a preview still works; the server refuses the apply).
import type { ReactNode } from "react";
import { PageHeader } from "@/components/page-header";

export function ImportPage({
  trail,
  title,
  subtitle,
  refusal,
  children,
}: {
  /** The breadcrumb trail above the header, if any. */
  trail?: ReactNode;
  title: string;
  subtitle: string;
  /** Why this user cannot apply the import (null: they can). */
  refusal: string | null;
  children: ReactNode;
}) {
  return (
    <>
      {trail}
      <PageHeader title={title} subtitle={subtitle} />
      {refusal && (
        <p className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800" data-testid="import-forbidden-note">
          {refusal}
        </p>
      )}
      {children}
    </>
  );
}
