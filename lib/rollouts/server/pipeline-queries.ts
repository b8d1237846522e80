import "server-only";
// Reads for the pipeline pages, on the app's one Prisma client.
import { db } from "@/lib/db";
import { getPipeline, listPipelines, pipelineFleet } from "./pipeline-store";

export const allPipelines = () => listPipelines(db());
export const onePipeline = (id: string) => getPipeline(db(), id);
/** The registry as planning sees it: cells that are not retired, with their status. */
export const fleetForPlanning = () => pipelineFleet(db());
