import type { Metadata } from "next";
import { ImportPage } from "@/components/ui/import-page";
import { canImportPipeline } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/server/session";
import { PipelineImportForm } from "./import-form";

export const metadata: Metadata = { title: "Import pipeline" };

export default async function ImportPipelinePage() {
  const allowed = canImportPipeline(await requireUser());
  return (
    <ImportPage
      title="Import pipeline YAML"
      subtitle="A native file (waves with selectors) or the runbook's state machine (Deploy → Validate → …). A pipeline with the same id is replaced by a new version; nothing is saved unless the whole file is valid."
      refusal={allowed ? null : "Only admins and release managers can import pipelines; the server will refuse this form for your role."}
    >
      <PipelineImportForm canApply={allowed} />
    </ImportPage>
  );
}
