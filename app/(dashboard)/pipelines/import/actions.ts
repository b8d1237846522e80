"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/auth/server/action";
import { canImportPipeline } from "@/lib/auth/permissions";
import { pipelineSummary } from "@/lib/rollouts/describe";
import { parsePipelineYaml } from "@/lib/rollouts/pipeline-yaml";
import { pipelineFleet, savePipeline } from "@/lib/rollouts/server/pipeline-store";
import { planWaves } from "@/lib/rollouts/plan";

const input = z.object({
  yaml: z.string().min(1, "paste or upload a pipeline YAML file").max(1_000_000, "the file is larger than 1 MB"),
  id: z
    .string()
    .trim()
    .max(100)
    .optional()
    .transform((v) => v || undefined),
  mode: z.enum(["preview", "apply"]).default("apply"),
});

export interface PipelineImportResult {
  applied: boolean;
  id: string;
  name: string;
  format: "native" | "state-machine";
  /** The version this import makes (or would make). */
  version: number;
  created: boolean;
  summary: string;
  steps: { name: string; cells: string[]; requiresApproval: boolean }[];
}

const importPipeline = defineAction({
  name: "import a pipeline",
  permission: canImportPipeline,
  input,
  async run({ tx, input, user }): Promise<{ data: PipelineImportResult; audit: [] }> {
    const fleet = await pipelineFleet(tx);
    const parsed = parsePipelineYaml(input.yaml, fleet, { id: input.id });
    const { spec, format } = parsed;
    const steps = planWaves(spec, fleet).map((w) => ({ name: w.name, cells: w.cells, requiresApproval: w.requiresApproval }));
    const base = { id: spec.id, name: spec.name, format, summary: pipelineSummary(spec), steps };
    if (input.mode === "preview") {
      const existing = await tx.pipeline.findUnique({ where: { id: spec.id }, select: { version: true } });
      return { data: { ...base, applied: false, created: !existing, version: existing ? existing.version + 1 : 1 }, audit: [] };
    }
    // savePipeline writes the pipeline.import audit event in this transaction.
    const saved = await savePipeline(tx, parsed, input.yaml, user.email);
    return { data: { ...base, applied: true, ...saved }, audit: [] };
  },
});

export async function importPipelineAction(raw: unknown) {
  const result = await importPipeline(raw);
  if (result.ok && result.data.applied) revalidatePath("/pipelines", "layout");
  return result;
}
