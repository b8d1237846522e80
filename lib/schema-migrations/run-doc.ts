// The zod schemas of a migration run's JSON columns: the manifest as stored (`schema_migration_runs.spec`,
// with its scripts' text) and the orchestration document (`.doc`), checked against their TypeScript
// types (manifest.ts, machine.ts) at compile time and against the stored value when it is read.
import { z } from "zod";
import { readColumn } from "@/lib/json-column";
import type { RunDoc } from "./machine";
import type { MigrationSpec } from "./manifest";

/** The spec as stored: the parsed manifest plus the text of every script it names (null: missing). */
export type StoredSpec = MigrationSpec & { scripts: Record<string, string | null> };

const tier = z.enum(["canary", "smb", "enterprise"]);

const phaseSpec = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("schema"),
    name: z.string(),
    script: z.string(),
    rollbackScript: z.string().nullable(),
    steps: z.array(
      z.object({ patterns: z.array(z.string()), cells: z.array(z.string()), waitMs: z.number(), requiresApproval: z.boolean() }),
    ),
    irreversible: z.boolean(),
  }),
  z.object({ type: z.literal("deployment"), name: z.string(), version: z.string(), pipeline: z.string(), service: z.string() }),
  z.object({
    type: z.literal("data"),
    name: z.string(),
    script: z.string(),
    parallelCells: z.number(),
    checkpointInterval: z.number(),
    maxRowsPerSecond: z.number().positive().nullable().optional(),
  }),
]);

const migrationSpecSchema = z.object({
  id: z.string(),
  description: z.string(),
  phases: z.array(phaseSpec),
  cells: z.array(z.string()),
  tiers: z.record(z.string(), tier),
});

export const storedSpecSchema: z.ZodType<StoredSpec> = migrationSpecSchema.extend({
  scripts: z.record(z.string(), z.string().nullable()),
});

const isoTime = z.string();

const stepRun = z.object({
  cells: z.array(z.string()),
  patterns: z.array(z.string()),
  waitMs: z.number(),
  requiresApproval: z.boolean(),
  confirmRequired: z.boolean(),
  state: z.enum(["pending", "awaiting_approval", "applying", "waiting", "done", "rejected"]),
  waitUntil: isoTime.nullable(),
  decision: z.object({ decision: z.enum(["approve", "reject"]), by: z.string(), at: isoTime, comment: z.string() }).nullable(),
  awaitingSince: isoTime.nullable().optional(),
});

const phaseRun = z.object({
  name: z.string(),
  type: z.enum(["schema", "deployment", "data"]),
  status: z.enum(["pending", "running", "complete", "failed", "rolled_back", "stopped"]),
  irreversible: z.boolean(),
  steps: z.array(stepRun),
  step: z.number().int(),
  releaseId: z.string().nullable(),
  // Runs stored before each phase kept its releases have only `releaseId` (every cell in it).
  releases: z.array(z.object({ id: z.string(), cells: z.array(z.string()), settled: z.boolean().optional() })).optional(),
  previousVersion: z.string().nullable(),
  rollbackReleaseId: z.string().nullable(),
  waiting: z.string().nullable(),
  startedAt: isoTime.nullable(),
  finishedAt: isoTime.nullable(),
});

export const runDocSchema: z.ZodType<RunDoc> = z.object({
  id: z.string(),
  spec: migrationSpecSchema,
  status: z.enum(["ready", "running", "awaiting_approval", "failed", "rolling_back", "rolled_back", "succeeded"]),
  startedBy: z.string().nullable(),
  startedAt: isoTime.nullable(),
  timeScale: z.number(),
  current: z.number().int(),
  phases: z.array(phaseRun),
  canRollback: z.boolean(),
  rollbackAt: z.number().int().nullable(),
  endReason: z.string().nullable(),
});

/** A run's stored orchestration document; `id` names the run in the error. */
export const parseRunDoc = (value: unknown, id: string): RunDoc => readColumn(runDocSchema, value, "schema_migration_runs.doc", id);

/** A run's stored manifest and scripts; `id` names the run in the error. */
export const parseStoredSpec = (value: unknown, id: string): StoredSpec =>
  readColumn(storedSpecSchema, value, "schema_migration_runs.spec", id);
