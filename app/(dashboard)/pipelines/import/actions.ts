"use server";
import { z } from "zod";
import { canImportPipeline } from "@/lib/auth/permissions";
import { defineAction } from "@/lib/auth/server/action";
import { pipelineSummary } from "@/lib/rollouts/describe";
import { parsePipelineYaml } from "@/lib/rollouts/pipeline-yaml";
import { planWaves } from "@/lib/rollouts/plan";
import { nextPipelineVersion, pipelineFleet, savePipeline } from "@/lib/rollouts/server/pipeline-store";

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

export const importPipelineAction = defineAction({
  name: "import a pipeline",
  permission: canImportPipeline,
  input: z.object({
    yaml: z.string().min(1, "paste or upload a pipeline YAML file").max(1_000_000, "the file is larger than 1 MB"),
    id: z
      .string()
      .trim()
      .max(100)
      .optional()
      .transform((v) => v || undefined),
    mode: z.enum(["preview", "apply"]).default("apply"),
  }),
  async run({ tx, input, user }) {
    const fleet = await pipelineFleet(tx);
    const parsed = parsePipelineYaml(input.yaml, fleet, { id: input.id });
    const { spec, format } = parsed;
    const steps = planWaves(spec, fleet).map((w) => ({ name: w.name, cells: w.cells, requiresApproval: w.requiresApproval }));
    const base = { id: spec.id, name: spec.name, format, summary: pipelineSummary(spec), steps };
    if (input.mode === "preview") {
      const data: PipelineImportResult = { ...base, applied: false, ...(await nextPipelineVersion(tx, spec.id)) };
      return { data, audit: [] };
    }
    const saved = await savePipeline(tx, parsed, input.yaml, user.email);
    const data: PipelineImportResult = { ...base, applied: true, ...saved.data };
    return { data, audit: saved.audit };
  },
  revalidate: (r) => (r.applied ? [{ layout: "/pipelines" }] : []),
});
