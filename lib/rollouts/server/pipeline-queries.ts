import "server-only";
// Reads for the pipeline pages, on the app's one Prisma client. Notify targets are secrets: every
// pipeline and pending change leaves here with its https targets redacted (spec and file).
import { db } from "@/lib/db";
import { redactUrlsInText } from "@/lib/secrets/redact";
import { lineDiff } from "../line-diff";
import { redactPipelineSpec, redactStoredPipeline } from "../notify-targets";
import { exportPipelineYaml } from "../pipeline-yaml";
import { getPipelineChange, type PipelineChangeRow, pendingPipelineChanges } from "./pipeline-changes";
import { getPipeline, listPipelines, pipelineFleet } from "./pipeline-store";

export const allPipelines = async () => (await listPipelines(db())).map(redactStoredPipeline);
export async function onePipeline(id: string) {
  const p = await getPipeline(db(), id);
  return p ? redactStoredPipeline(p) : null;
}
/** The registry as planning sees it: cells that are not retired, with their status. */
export const fleetForPlanning = () => pipelineFleet(db());

const redactChange = (c: PipelineChangeRow): PipelineChangeRow => ({
  ...c,
  spec: redactPipelineSpec(c.spec),
  source: redactUrlsInText(c.source),
  changes: c.changes.map((x) => ({ ...x, text: redactUrlsInText(x.text) })),
});

/** Pending pipeline changes, oldest first (of one pipeline, or all). */
export const pendingChanges = async (pipelineId?: string) => (await pendingPipelineChanges(db(), pipelineId)).map(redactChange);

/** A pipeline change with what approving it would replace, as a line diff of the native forms (redacted). */
export async function pipelineChangeView(id: string) {
  if (!/^\d{1,18}$/.test(id)) return null;
  const change = await getPipelineChange(db(), id);
  if (!change) return null;
  const current = await getPipeline(db(), change.pipelineId);
  const before = current ? exportPipelineYaml(redactPipelineSpec(current.spec)) : "";
  const after = exportPipelineYaml(redactPipelineSpec(change.spec));
  return { change: redactChange(change), currentVersion: current?.version ?? 0, diff: lineDiff(before, after) };
}
