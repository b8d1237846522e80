// The zod schemas of the rollout JSON columns: a pipeline's spec (`pipelines.spec`) and a release's
// document (`releases.doc`), checked against their TypeScript types (types.ts, engine.ts) at compile
// time and against the stored value when it is read.
import { z } from "zod";
import { readColumn } from "@/lib/json-column";
import type { ReleaseDoc } from "./engine";
import { RELEASE_STATUSES, WAVE_STATES, type CheckSpec, type PipelineSpec, type Selector } from "./types";

const tier = z.enum(["canary", "smb", "enterprise"]);

const selectorSchema: z.ZodType<Selector> = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("ids"), ids: z.array(z.string()) }),
  z.object({ kind: z.literal("glob"), pattern: z.string() }),
  z.object({ kind: z.literal("tier"), tier }),
  z.object({ kind: z.literal("percent"), tier, percent: z.number() }),
  z.object({ kind: z.literal("rest"), tier }),
]);

/** A check's own minimum evidence (absent: the guard's defaults). */
const evidence = { minSamples: z.number().int().min(1).optional(), minRequests: z.number().int().min(0).optional() };

export const checkSchema: z.ZodType<CheckSpec> = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("error_rate"), max: z.number().nullable(), source: z.string(), ...evidence }),
  z.object({ kind: z.literal("latency"), maxP99Ms: z.number().nullable(), source: z.string(), ...evidence }),
  z.object({
    kind: z.literal("relative"),
    metric: z.enum(["error_rate", "latency"]),
    factor: z.number(),
    source: z.string(),
    ...evidence,
  }),
  z.object({ kind: z.literal("no_alerts"), alertType: z.string(), forMs: z.number(), source: z.string() }),
  z.object({ kind: z.literal("customer_complaints"), source: z.string() }),
]);

/** What a pipeline wave and a planned wave share. */
const waveFields = {
  name: z.string(),
  parallel: z.boolean(),
  bakeMs: z.number(),
  checks: z.array(checkSchema),
  requiresApproval: z.boolean(),
  notify: z.string().nullable(),
  maintenanceWindow: z.boolean(),
  onBreach: z.enum(["rollback", "pause"]).optional(),
};

export const pipelineSpecSchema: z.ZodType<PipelineSpec> = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  waves: z.array(z.object({ ...waveFields, selectors: z.array(selectorSchema) })),
});

/** A pipeline's stored spec; `id` names the row in the error. */
export const parsePipelineSpec = (value: unknown, id: string): PipelineSpec => readColumn(pipelineSpecSchema, value, "pipelines.spec", id);

const isoTime = z.string();
const versionsByCell = z.record(z.string(), z.record(z.string(), z.string().nullable()));
const decision = z.object({ decision: z.enum(["approve", "reject"]), by: z.string(), at: isoTime, comment: z.string() });
/** A check's measured value against its threshold (also in the API's view of a wave). */
export const checkResultSchema = z.object({
  check: z.string(),
  passed: z.boolean(),
  /** pass, breach, or not enough data (results recorded before guards have none). */
  state: z.enum(["pass", "breach", "not_enough_data"]).optional(),
  measured: z.number().nullable(),
  threshold: z.number().nullable(),
  unit: z.string(),
  /** Relative checks: the baseline's value and measured ÷ baseline. */
  baseline: z.number().nullable().optional(),
  ratio: z.number().nullable().optional(),
  detail: z.string(),
});

/** A wave guard's last verdict (GET /api/v1/releases/{id} shows it per wave). */
export const waveGuardSchema = z.object({
  state: z.enum(["watching", "breached", "not_enough_data"]),
  lastEvaluatedAt: z.string(),
  window: z.object({ from: z.string(), to: z.string() }),
  cells: z.array(z.string()),
  results: z.array(checkResultSchema),
});

const breachSchema = checkResultSchema.extend({ at: z.string(), action: z.enum(["rollback", "pause"]) });

const waveRunSchema = z.object({
  ...waveFields,
  group: z.string(),
  cells: z.array(z.string()),
  state: z.enum(WAVE_STATES),
  since: isoTime,
  waiting: z.string().nullable(),
  failure: z.string().nullable(),
  previous: versionsByCell.nullable(),
  deployStartedAt: isoTime.nullable(),
  bakeStartedAt: isoTime.nullable(),
  bakeEndsAt: isoTime.nullable(),
  validateStartedAt: isoTime.nullable(),
  finishedAt: isoTime.nullable(),
  decision: decision.nullable(),
  checkResults: z.array(checkResultSchema).nullable(),
  noticeSent: z.boolean(),
  guard: waveGuardSchema.nullable().optional(),
  breach: breachSchema.nullable().optional(),
  guardSince: isoTime.nullable().optional(),
});

export const releaseDocSchema: z.ZodType<ReleaseDoc> = z.object({
  status: z.enum(RELEASE_STATUSES),
  versions: z.record(z.string(), z.string()),
  startedBy: z.string(),
  current: z.number().int().min(0),
  waves: z.array(waveRunSchema),
  pausedFrom: z.enum(RELEASE_STATUSES).nullable(),
  pausedAt: isoTime.nullable().optional(),
  endReason: z.string().nullable(),
  timeScale: z.number().positive().optional(),
});

/** A release's stored document (the engine's state); `id` names the release in the error. */
export const parseReleaseDoc = (value: unknown, id: string): ReleaseDoc => readColumn(releaseDocSchema, value, "releases.doc", id);
