"use server";
import { z } from "zod";
import { canImportPipeline } from "@/lib/auth/permissions";
import { defineAction } from "@/lib/auth/server/action";
import { yamlImportFields } from "@/lib/imports/input";
import { pipelineSummary } from "@/lib/rollouts/describe";
import { parsePipelineYaml } from "@/lib/rollouts/pipeline-yaml";
import { planWaves } from "@/lib/rollouts/plan";
import { importPipeline, planImport } from "@/lib/rollouts/server/pipeline-changes";
import { pipelineFleet } from "@/lib/rollouts/server/pipeline-store";

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
  /** Policy changes (notify targets redacted): an import with any waits for a second release manager or admin. */
  policyChanges: string[];
  /** The pending change this import made (or found), when it changes policy. */
  pendingId: string | null;
}

export const importPipelineAction = defineAction({
  name: "import a pipeline",
  permission: canImportPipeline,
  input: z.object({
    ...yamlImportFields("a pipeline YAML file"),
    id: z
      .string()
      .trim()
      .max(100)
      .optional()
      .transform((v) => v || undefined),
  }),
  async run({ tx, input, user }) {
    const fleet = await pipelineFleet(tx);
    const parsed = parsePipelineYaml(input.yaml, fleet, { id: input.id });
    const { spec, format } = parsed;
    const steps = planWaves(spec, fleet).map((w) => ({ name: w.name, cells: w.cells, requiresApproval: w.requiresApproval }));
    const base = { id: spec.id, name: spec.name, format, summary: pipelineSummary(spec), steps };
    if (input.mode === "preview") {
      const plan = await planImport(tx, parsed, input.yaml);
      const data: PipelineImportResult = {
        ...base,
        applied: false,
        created: plan.created,
        version: plan.version,
        policyChanges: plan.changes.map((c) => c.text),
        pendingId: null,
      };
      return { data, audit: [] };
    }
    const { data: r, audit } = await importPipeline(tx, parsed, input.yaml, user.email, new Date());
    const data: PipelineImportResult = {
      ...base,
      applied: r.applied,
      created: r.created,
      version: r.version,
      policyChanges: r.changes.map((c) => c.text),
      pendingId: r.applied ? null : r.pendingId,
    };
    return { data, audit };
  },
  revalidate: (r) => (r.applied || r.pendingId ? [{ layout: "/pipelines" }] : []),
});
