// The fleet-health part of the v1 API, for the OpenAPI document.
import { z } from "zod";
import type { ApiOperation } from "@/lib/api/openapi";
import { alertBatchDoc } from "./alert-input";
import { batchSchema, columnsBatchSchema } from "./telemetry";

const status = z.enum(["green", "yellow", "red", "no_data"]);

const fleetHealth = z.object({
  generatedAt: z.string(),
  services: z.array(z.string()),
  counts: z.record(status, z.number()),
  cells: z.array(
    z.object({
      id: z.string(),
      tier: z.string(),
      region: z.string(),
      status,
      services: z.array(
        z.object({
          service: z.string(),
          status,
          reasons: z.array(z.string()),
          since: z.string().nullable(),
          lastSampleAt: z.string().nullable(),
          errorRate: z.number().nullable(),
          p99Ms: z.number().nullable(),
          cpu: z.number().nullable(),
          rps: z.number().nullable(),
          observedVersion: z.string().nullable(),
          desiredVersion: z.string().nullable(),
        }),
      ),
    }),
  ),
});

const nums = z.array(z.number().nullable());
const feedRow = z
  .tuple([
    z.string().describe("cell id"),
    z.number().int().describe("index into dict.tiers"),
    z.number().int().describe("index into dict.regions"),
    z.string().describe("one status per service, in the order of `services`: g healthy, y degraded, r unhealthy, n no data, - not run"),
    nums.describe("error rate in units of 0.0001 (0.01 %), whole"),
    nums.describe("p99 in ms (whole)"),
    nums.describe("CPU in units of 0.0001 (0.01 %), whole"),
    nums.describe("requests per second (whole)"),
    z.array(z.number().int()).describe("observed version: index into dict.versions, -1 none"),
    z.array(z.number().int()).describe("desired version: index into dict.versions, -1 none"),
    nums.describe("status since: seconds before generatedAt"),
    nums.describe("last sample: seconds before generatedAt"),
    z.array(z.array(z.string())).describe("reasons for the status"),
  ])
  .describe("one cell");
const feedCommon = {
  v: z.literal(1),
  etag: z.string().describe("this version's ETag: send it back as If-None-Match and as ?since="),
  generatedAt: z.string(),
  services: z.array(z.string()),
  counts: z.record(status, z.number()),
  dict: z.object({ tiers: z.array(z.string()), regions: z.array(z.string()), versions: z.array(z.string()) }),
};
const fleetFeed = z.union([
  z.object({ ...feedCommon, rows: z.array(feedRow) }).describe("the whole fleet"),
  z
    .object({
      ...feedCommon,
      from: z.string().describe("the ETag this delta applies to"),
      size: z.number().int().describe("number of cells (unchanged)"),
      changed: z.array(z.tuple([z.number().int().describe("position of the cell"), feedRow])),
    })
    .describe("the cells that changed since `from`"),
]);

export const healthOperations: ApiOperation[] = [
  {
    method: "post",
    path: "/api/v1/telemetry",
    tag: "Fleet health",
    auth: "telemetry:write",
    summary: "Ingest a batch of health samples",
    description:
      "All or nothing: any invalid sample rejects the batch (400, each bad sample's index and field). At most 5,000 samples and 2 MB (413). Unknown cells or services: 422. Re-sending the same (cell, service, ts) is idempotent. `version` updates the observed version (a deployment event); `apiVersions` updates the cell × service's API capabilities. The batch is `samples` (one object a sample) or `columns` (one array a field, all of one length: about half the bytes, and cheaper to read; what the simulator sends), checked by the same rules.",
    body: z.union([batchSchema, columnsBatchSchema]),
    responses: {
      200: {
        description: "Stored",
        schema: z.object({
          received: z.number(),
          stored: z.number(),
          duplicates: z.number(),
          versionChanges: z.array(z.object({ cell: z.string(), service: z.string(), from: z.string().nullable(), to: z.string() })),
        }),
      },
      413: { description: "Batch over 5,000 samples or 2 MB" },
      422: { description: "Unknown cells or services, listed" },
    },
  },
  {
    method: "get",
    path: "/api/v1/fleet/health",
    tag: "Fleet health",
    auth: "fleet:read",
    summary: "Every cell × service status, values and versions (the heatmap's data)",
    description: "Also available to signed-in users of the dashboard.",
    responses: { 200: { description: "Fleet health", schema: fleetHealth } },
  },
  {
    method: "get",
    path: "/api/v1/fleet/feed",
    tag: "Fleet health",
    auth: "fleet:read",
    summary: "The heatmap's compact live feed: ETag / If-None-Match, and deltas since a version",
    description:
      "The same state as /api/v1/fleet/health, shaped for a grid: one array per cell, statuses as one character per service, numbers rounded to what the dashboard shows, versions, tiers and regions as indexes into `dict`. An unchanged fleet answers 304 to If-None-Match. With `since=<ETag>` the answer holds only the cells that changed since that version (when the server still remembers it; otherwise the whole feed). Also available to signed-in users of the dashboard, whose global view polls it.",
    query: z.object({ since: z.string().optional() }),
    responses: {
      200: { description: "The whole feed, or the changes since `since`", schema: fleetFeed, headers: { ETag: "this version" } },
      304: { description: "Not modified since the ETag sent in If-None-Match" },
    },
  },
  {
    method: "post",
    path: "/api/v1/alerts",
    tag: "Fleet health",
    auth: "alerts:write",
    summary: "Report external alerts (firing or resolved), one or a list",
    description: "Alerts with the same dedupKey update one alert; `resolved` closes it. Aggregated by `type` on the alerts page.",
    body: alertBatchDoc,
    responses: {
      200: { description: "Applied", schema: z.object({ opened: z.number(), updated: z.number(), resolved: z.number() }) },
      422: { description: "Unknown cells or services" },
    },
  },
  {
    method: "get",
    path: "/api/v1/cells/{cell}/desired",
    tag: "Deployments",
    auth: "cells:agent",
    summary: "The versions a cell should run (pull, for its deploy agent)",
    description: "Supports ETag / If-None-Match (304).",
    responses: {
      200: {
        description: "Desired versions per service",
        schema: z.object({ cell: z.string(), status: z.string(), services: z.record(z.string(), z.string().nullable()) }),
        headers: { ETag: "version of this answer" },
      },
      304: { description: "Not modified" },
      404: { description: "Unknown cell" },
    },
  },
];
