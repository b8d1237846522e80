// Starting a release: resolve the pipeline against today's fleet (the snapshot) and create it.
// Shared by the server action and POST /api/v1/releases.
import { z } from "zod";
import type { Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import { planWaves } from "./plan";
import { createRelease, VERSION_PATTERN } from "./release-store";
import type { PipelineSpec } from "./types";

export const startReleaseSchema = z.object({
  pipeline: z.string().min(1, "choose a pipeline").max(64).default("standard"),
  versions: z
    .record(z.string().regex(/^[a-z0-9-]+$/, "a service id"), z.string().regex(VERSION_PATTERN, "a version like v2.5.0"))
    .refine((v) => Object.keys(v).length > 0, "name at least one service and its version"),
  title: z.string().trim().max(200).optional(),
});
export type StartRelease = z.infer<typeof startReleaseSchema>;

export async function startRelease(tx: Tx, input: StartRelease, actor: string, now: Date) {
  const pipeline = await tx.pipeline.findUnique({ where: { id: input.pipeline } });
  if (!pipeline) throw new DomainError("NOT_FOUND", `no pipeline "${input.pipeline}"`, { pipeline: ["unknown pipeline"] });
  const cells = await tx.cell.findMany({ select: { id: true, tier: true, status: true } });
  const plan = planWaves(pipeline.spec as unknown as PipelineSpec, cells);
  return createRelease(tx, { pipelineId: pipeline.id, versions: input.versions, title: input.title, plan }, actor, now);
}
