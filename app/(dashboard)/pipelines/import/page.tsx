import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { canImportPipeline } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/server/session";
import { PipelineImportForm } from "./import-form";

export const metadata: Metadata = { title: "Import pipeline" };

export default async function ImportPipelinePage() {
  const user = await requireUser();
  const allowed = canImportPipeline(user);
  return (
    <>
      <PageHeader
        title="Import pipeline YAML"
        subtitle="A native file (waves with selectors) or the runbook's state machine (Deploy → Validate → …). A pipeline with the same id is replaced by a new version; nothing is saved unless the whole file is valid."
      />
      {!allowed && (
        <p className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800" data-testid="import-forbidden-note">
          Only admins and release managers can import pipelines; the server will refuse this form for your role.
        </p>
      )}
      <PipelineImportForm canApply={allowed} />
    </>
  );
}
