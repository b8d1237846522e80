import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { canImportFleet } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/server/session";
import { ImportForm } from "./import-form";

export const metadata: Metadata = { title: "Import fleet" };

export default async function ImportFleetPage() {
  const user = await requireUser();
  const allowed = canImportFleet(user);
  return (
    <>
      <PageHeader
        title="Import fleet YAML"
        subtitle="Make the cell registry match a fleet file (one template, many cells). Cells missing from the file are retired; nothing changes unless the whole file is valid."
      />
      {!allowed && (
        <p className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800" data-testid="import-forbidden-note">
          Only admins can import a fleet. You can preview a file, but applying it will be refused.
        </p>
      )}
      <ImportForm canApply={allowed} />
    </>
  );
}
