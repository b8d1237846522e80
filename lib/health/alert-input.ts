// What people and tools send about alerts (pure schemas): external alerts and acknowledgements.
import { z } from "zod";

export const externalAlertSchema = z
  .object({
    type: z
      .string()
      .min(1)
      .max(80)
      .regex(/^[a-z0-9_.:-]+$/, "lower-case letters, digits, _ . : -")
      .describe("issue type, e.g. customer_complaint, pagerduty"),
    cell: z.string().min(1).max(100),
    service: z.string().min(1).max(50).optional(),
    severity: z.enum(["critical", "warning", "info"]),
    summary: z.string().min(1).max(500),
    status: z.enum(["firing", "resolved"]),
    dedupKey: z.string().min(1).max(200).describe("the same key updates or resolves the same alert"),
  })
  .strict();
export type ExternalAlert = z.infer<typeof externalAlertSchema>;

export const alertBatchSchema = z.union([externalAlertSchema, z.array(externalAlertSchema).min(1).max(500)]);

export const ackInputSchema = z.object({
  type: z.string().trim().min(1).max(80),
  comment: z.string().trim().min(3, "say what is being done (at least 3 characters)").max(500),
});
