// What people and tools send about alerts (pure schemas): external alerts and acknowledgements.
import { z } from "zod";
import { oneOrMany, safeId, safeText } from "@/lib/validation";

export const externalAlertSchema = z
  .object({
    type: z
      .string()
      .min(1)
      .max(80)
      .regex(/^[a-z0-9_.:-]+$/, "lower-case letters, digits, _ . : -")
      .describe("issue type, e.g. customer_complaint, pagerduty"),
    cell: safeId(100),
    service: safeId(50).optional(),
    severity: z.enum(["critical", "warning", "info"]),
    summary: safeText(500).min(1),
    status: z.enum(["firing", "resolved"]),
    dedupKey: safeId(200).describe("the same key updates or resolves the same alert"),
  })
  .strict();
export type ExternalAlert = z.infer<typeof externalAlertSchema>;

/** The body of POST /api/v1/alerts: one alert or a list of 1–500, as a list. Switched on the body's shape, so a refusal names its field (`cell`, or `3.cell` in a list). */
export const alertBatchSchema = oneOrMany(externalAlertSchema, 500);
/** The same body for the OpenAPI document (either shape). */
export const alertBatchDoc = z.union([externalAlertSchema, z.array(externalAlertSchema).min(1).max(500)]);

export const ackInputSchema = z.object({
  type: safeId(80).trim(),
  comment: safeText(500).trim().min(3, "say what is being done (at least 3 characters)"),
});
