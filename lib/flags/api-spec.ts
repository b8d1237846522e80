// The flag read APIs under /api/v1, described for the OpenAPI document (lib/api/operations.ts).
// OFREP itself (/ofrep/v1/evaluate/flags[/{key}]) follows the OpenFeature protocol's own spec.
import { z } from "zod";
import type { ApiOperation } from "@/lib/api/openapi";
import { CONTROL_MESSAGE, NO_CONTROL } from "@/lib/validation";

export const flagSummarySchema = z.object({
  key: z.string(),
  description: z.string(),
  owner: z.string(),
  enabled: z.boolean().describe("the kill switch"),
  effectivePercentage: z.number().int().min(0).max(100).describe("the rollout percentage in force now"),
  percentageSource: z.enum(["manual", "schedule", "held"]).describe("held: the ramp's guard holds it (see hold)"),
  hold: z
    .object({ at: z.string(), percentage: z.number().int(), reason: z.string().nullable() })
    .nullable()
    .describe("set while the flag's guard holds the ramp; a product owner resumes it"),
  requires: z
    .record(z.string(), z.string())
    .describe('code prerequisites: service → semver range the home cell must run, e.g. {"sms": ">=2.5.0"}'),
  nextStep: z.object({ at: z.string(), percentage: z.number().int() }).nullable(),
  allowlist: z.array(z.string()),
  targeting: z.object({ tiers: z.array(z.string()), cells: z.array(z.string()), regions: z.array(z.string()) }),
  schedule: z.array(z.object({ at: z.string(), percentage: z.number().int() })),
  version: z.number().int(),
  updatedAt: z.string(),
});

export const flagPreviewQuery = z.object({
  customer: z
    .string()
    .regex(NO_CONTROL, CONTROL_MESSAGE)
    .trim()
    .min(1, "required: a customer id")
    .max(200)
    .describe("the customer id (the OpenFeature targetingKey)"),
});

export const flagPreviewSchema = z.object({
  key: z.string(),
  customerId: z.string(),
  customer: z
    .object({ id: z.string(), name: z.string(), plan: z.string(), cell: z.string(), tier: z.string(), region: z.string() })
    .nullable(),
  value: z.boolean(),
  reason: z.enum(["DISABLED", "TARGETING_MATCH", "SPLIT", "DEFAULT", "PREREQUISITE_FAILED", "ERROR"]),
  variant: z.string().optional(),
  errorCode: z.string().optional(),
  explanation: z.string(),
  bucket: z.number().int().min(1).max(100),
  percentage: z.number().int(),
  allowlisted: z.boolean(),
});

export const flagCellsSchema = z.object({
  key: z.string(),
  effectivePercentage: z.number().int(),
  cells: z.array(
    z.object({
      cell: z.string(),
      customers: z.number().int().describe("customers homed in the cell"),
      on: z.number().int().describe("of them, with the flag on now"),
    }),
  ),
});

export const flagOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/flags",
    summary: "List feature flags with the rollout in force now",
    tag: "Flags",
    auth: "flags:read",
    responses: { 200: { description: "Every flag, by key", schema: z.object({ flags: z.array(flagSummarySchema) }) } },
  },
  {
    method: "get",
    path: "/api/v1/flags/{key}/preview",
    summary: "Who is in? Evaluate a flag for one customer, with the reasoning",
    description:
      "The same evaluation as OFREP (/ofrep/v1/evaluate/flags/{key}), plus the customer's home cell, bucket and the percentage in force.",
    tag: "Flags",
    auth: "flags:read",
    query: flagPreviewQuery,
    responses: {
      200: { description: "The evaluation", schema: flagPreviewSchema },
      404: { description: "No such flag" },
    },
  },
  {
    method: "get",
    path: "/api/v1/flags/{key}/cells",
    summary: "Where is the flag on? Per cell, the customers homed there and how many have the flag on now",
    description:
      "Evaluation itself (percentage, allowlist, targeting, prerequisites, a held ramp) over every customer. The fleet simulator's `flag` fault reads it.",
    tag: "Flags",
    auth: "flags:read",
    responses: {
      200: { description: "Every cell with customers", schema: flagCellsSchema },
      404: { description: "No such flag" },
    },
  },
];
