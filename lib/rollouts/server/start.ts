// Starting a release: resolve the pipeline against today's fleet (the snapshot) and create it.
// Shared by the server action and POST /api/v1/releases.
import type { Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import { planWaves } from "../plan";
import type { StartRelease } from "../api";
import { createRelease } from "./release-store";
import { parsePipelineSpec } from "../release-doc";

/**
 * Start a release of `input.versions` through its pipeline. A schema migration's deployment phase
 * narrows it to the cells ready for its code (`cells`: the pipeline's waves, on those cells only) and
 * runs it at the migration's own speed (`timeScale`: its bakes are divided by it, not the server's).
 */
export async function startRelease(
  tx: Tx,
  input: StartRelease,
  actor: string,
  now: Date,
  opts: { cells?: string[]; timeScale?: number } = {},
) {
  const pipeline = await tx.pipeline.findUnique({ where: { id: input.pipeline } });
  if (!pipeline) throw new DomainError("NOT_FOUND", `no pipeline "${input.pipeline}"`, { pipeline: ["unknown pipeline"] });
  const fleet = await tx.cell.findMany({ select: { id: true, tier: true, status: true } });
  const only = opts.cells && new Set(opts.cells);
  const plan = planWaves(parsePipelineSpec(pipeline.spec, pipeline.id), only ? fleet.filter((c) => only.has(c.id)) : fleet);
  return createRelease(
    tx,
    { pipelineId: pipeline.id, versions: input.versions, title: input.title, plan, timeScale: opts.timeScale },
    actor,
    now,
  );
}
