// Starting a release: resolve the pipeline against today's fleet (the snapshot) and create it.
// Shared by the server action and POST /api/v1/releases.
import type { Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import { planWaves } from "../plan";
import type { StartRelease } from "../api";
import { createRelease } from "./release-store";
import { parsePipelineSpec } from "../release-doc";

export async function startRelease(tx: Tx, input: StartRelease, actor: string, now: Date) {
  const pipeline = await tx.pipeline.findUnique({ where: { id: input.pipeline } });
  if (!pipeline) throw new DomainError("NOT_FOUND", `no pipeline "${input.pipeline}"`, { pipeline: ["unknown pipeline"] });
  const cells = await tx.cell.findMany({ select: { id: true, tier: true, status: true } });
  const plan = planWaves(parsePipelineSpec(pipeline.spec, pipeline.id), cells);
  return createRelease(tx, { pipelineId: pipeline.id, versions: input.versions, title: input.title, plan }, actor, now);
}
