import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { canEditFlag } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/server/session";
import { NewFlagForm } from "../_components/new-flag-form";

export const metadata: Metadata = { title: "New flag" };

export default async function NewFlagPage() {
  const user = await requireUser();
  return (
    <>
      <PageHeader
        title="New feature flag"
        subtitle="A new flag starts switched off at 0%: ship the code first, then activate it from the flag's page."
      />
      {!canEditFlag(user) && (
        <p className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800">
          Only product owners and admins can create flags; creating one will be refused.
        </p>
      )}
      <NewFlagForm />
    </>
  );
}
