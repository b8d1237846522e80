import type { Metadata } from "next";
import { ImportPage } from "@/components/ui/import-page";
import { canImportFleet } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/server/session";
import { ImportForm } from "./import-form";

export const metadata: Metadata = { title: "Import fleet" };

export default async function ImportFleetPage() {
  const allowed = canImportFleet(await requireUser());
  return (
    <ImportPage
      title="Import fleet YAML"
      subtitle="Make the cell registry match a fleet file (one template, many cells). Cells missing from the file are retired; nothing changes unless the whole file is valid."
      refusal={allowed ? null : "Only admins can import a fleet. You can preview a file, but applying it will be refused."}
    >
      <ImportForm canApply={allowed} />
    </ImportPage>
  );
}
