// The demo's pipelines: the standard wave rollout (native form) and the runbook's state machine
// (examples/deployment-pipeline.yaml, imported as written). Once per database: a marker row
// written in the same transaction makes later starts a no-op.
import fs from "node:fs";
import path from "node:path";
import type { Db } from "@/lib/db/client";
import { parsePipelineYaml } from "../pipeline-yaml";
import { withAudit } from "@/lib/audit/server/record";
import { pipelineFleet, savePipeline } from "./pipeline-store";

export const PIPELINES_MARKER = "demo-seed:pipelines:v1";

export const DEMO_PIPELINES = [
  { file: "examples/standard-pipeline.yaml", opts: {} },
  { file: "examples/deployment-pipeline.yaml", opts: { id: "runbook", name: "Runbook state machine" } },
] as const;

/** Store the demo pipelines once. Returns false when this database already has them. */
export async function seedPipelines(db: Db, root = process.cwd()): Promise<boolean> {
  if (await db.systemMarker.findUnique({ where: { key: PIPELINES_MARKER } })) return false;
  const fleet = await pipelineFleet(db);
  const files = DEMO_PIPELINES.map(({ file, opts }) => {
    const source = fs.readFileSync(path.join(root, file), "utf8");
    return { file, source, parsed: parsePipelineYaml(source, fleet, opts) };
  });
  return db.$transaction(
    async (tx) => {
      const claimed = await tx.systemMarker.createMany({ data: [{ key: PIPELINES_MARKER }], skipDuplicates: true });
      if (claimed.count === 0) return false;
      for (const f of files) await withAudit(tx, "system:seed", (tx) => savePipeline(tx, f.parsed, f.source, "system:seed"));
      return true;
    },
    { timeout: 30_000 },
  );
}
