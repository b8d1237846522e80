// Agent mode over HTTP (pure schemas): what a cell's tooling is assigned and what it reports.
import { z } from "zod";
import { safeId, safeLine, safeText } from "@/lib/validation";

export const progressSchema = z.object({
  phase: safeId(100),
  status: z.enum(["running", "complete", "failed"]),
  rows: z.number().int().min(0).optional(),
  total: z.number().int().min(0).nullable().optional(),
  checkpoint: safeLine(200).nullable().optional(),
  /** Increasing per cell and run; when sent, a report with seq ≤ the last one is stale. */
  seq: z.number().int().positive().optional(),
  error: safeText(1000).optional(),
});
export type Progress = z.infer<typeof progressSchema>;

export const assignmentView = z.object({
  migration: z.string(),
  phase: z.string(),
  type: z.enum(["schema", "data"]),
  action: z.enum(["apply", "revert"]),
  script: z.string(),
  sql: z.string().nullable(),
  checkpointInterval: z.number().nullable(),
  /** A backfill's limit (rows per second, averaged over batches), or null. */
  maxRowsPerSecond: z.number().nullable(),
  /** Why the cell should not run a batch now (its health is red), or null: hold off while set. */
  paused: z.string().nullable(),
  rowsDone: z.number(),
  lastCheckpoint: z.string().nullable(),
  lastSeq: z.number(),
});
export type Assignment = z.infer<typeof assignmentView>;
