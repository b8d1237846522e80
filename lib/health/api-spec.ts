// The fleet-health part of the v1 API, for the OpenAPI document.
import { z } from "zod";
import type { ApiOperation } from "@/lib/api/openapi";
import { alertBatchSchema } from "./alert-input";
import { batchSchema } from "./telemetry";

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

export const healthOperations: ApiOperation[] = [
  {
    method: "post",
    path: "/api/v1/telemetry",
    tag: "Fleet health",
    auth: "telemetry:write",
    summary: "Ingest a batch of health samples",
    description:
      "All or nothing: any invalid sample rejects the batch (400, each bad sample's index and field). At most 5,000 samples and 2 MB (413). Unknown cells or services: 422. Re-sending the same (cell, service, ts) is idempotent. `version` updates the observed version (a deployment event); `apiVersions` updates the cell × service's API capabilities.",
    body: batchSchema,
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
    method: "post",
    path: "/api/v1/alerts",
    tag: "Fleet health",
    auth: "alerts:write",
    summary: "Report external alerts (firing or resolved), one or a list",
    description: "Alerts with the same dedupKey update one alert; `resolved` closes it. Aggregated by `type` on the alerts page.",
    body: alertBatchSchema,
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
