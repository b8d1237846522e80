// Health thresholds: the one place that says what green, yellow and red mean.
import { z } from "zod";

export const thresholdsSchema = z
  .object({
    red: z.object({
      errorRate: z.number().min(0).max(1),
      p99Ms: z.number().positive(),
      /** No sample for this long → red/no-data. */
      silenceMs: z.number().int().positive(),
    }),
    yellow: z.object({
      errorRate: z.number().min(0).max(1),
      p99Ms: z.number().positive(),
      cpu: z.number().min(0).max(1),
    }),
    /** A rule alert opens after its condition has held this long. */
    alertAfterMs: z.number().int().min(0),
    /** Samples older than this are pruned. */
    retentionMs: z.number().int().positive(),
  })
  .refine((t) => t.yellow.errorRate <= t.red.errorRate, { message: "yellow error rate must not exceed red", path: ["yellow", "errorRate"] })
  .refine((t) => t.yellow.p99Ms <= t.red.p99Ms, { message: "yellow p99 must not exceed red", path: ["yellow", "p99Ms"] });

export type Thresholds = z.infer<typeof thresholdsSchema>;

export const DEFAULT_THRESHOLDS: Thresholds = {
  red: { errorRate: 0.01, p99Ms: 1000, silenceMs: 5 * 60_000 },
  yellow: { errorRate: 0.001, p99Ms: 500, cpu: 0.85 },
  alertAfterMs: 2 * 60_000,
  retentionMs: 7 * 24 * 60 * 60_000,
};
