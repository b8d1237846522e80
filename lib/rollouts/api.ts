// Releases over HTTP: what starts one (POST /api/v1/releases, also the start form) and the public
// shape of one for GET /api/v1/releases/{id} (and the CI that drives it).
import { z } from "zod";
import { CONTROL_MESSAGE, NO_CONTROL, safeLine } from "@/lib/validation";
import type { ReleaseDoc } from "./engine";
import { checkResultSchema, parseReleaseDoc } from "./release-doc";
import { RELEASE_STATUSES } from "./types";

/** What a version may look like (a tag, not a range). */
export const VERSION_PATTERN = /^[A-Za-z0-9._+-]{1,64}$/;

export const startReleaseSchema = z.object({
  pipeline: z.string().min(1, "choose a pipeline").max(64).regex(NO_CONTROL, CONTROL_MESSAGE).default("standard"),
  versions: z
    .record(z.string().regex(/^[a-z0-9-]+$/, "a service id"), z.string().regex(VERSION_PATTERN, "a version like v2.5.0"))
    .refine((v) => Object.keys(v).length > 0, "name at least one service and its version"),
  title: safeLine(200).trim().optional(),
});
export type StartRelease = z.infer<typeof startReleaseSchema>;

export const releaseView = z.object({
  id: z.string(),
  title: z.string(),
  pipeline: z.string(),
  versions: z.record(z.string(), z.string()),
  status: z.enum(RELEASE_STATUSES),
  startedBy: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  endReason: z.string().nullable(),
  currentWave: z.number(),
  waves: z.array(
    z.object({
      name: z.string(),
      cells: z.array(z.string()),
      state: z.string(),
      since: z.string(),
      waiting: z.string().nullable(),
      failure: z.string().nullable(),
      bakeEndsAt: z.string().nullable(),
      checks: z.array(checkResultSchema).nullable(),
      guard: z
        .object({
          state: z.enum(["watching", "breached", "not_enough_data"]).nullable(),
          lastEvaluatedAt: z.string().nullable(),
          window: z.object({ from: z.string(), to: z.string() }).nullable(),
          cells: z.array(z.string()),
          results: z.array(checkResultSchema),
          breach: checkResultSchema.extend({ at: z.string(), action: z.enum(["rollback", "pause"]) }).nullable(),
          onBreach: z.enum(["rollback", "pause"]),
        })
        .describe(
          "The wave's continuous guard: its checks over a trailing window while the wave deploys and bakes (state null before it first looked)",
        ),
      approval: z.object({ decision: z.string(), by: z.string(), at: z.string(), comment: z.string() }).nullable(),
    }),
  ),
});

export function toReleaseView(r: {
  id: string;
  title: string;
  pipelineId: string;
  versions: unknown;
  status: string;
  startedBy: string;
  startedAt: Date;
  finishedAt: Date | null;
  doc: unknown;
}): z.infer<typeof releaseView> {
  const doc = parseReleaseDoc(r.doc, r.id);
  return {
    id: r.id,
    title: r.title,
    pipeline: r.pipelineId,
    versions: r.versions as Record<string, string>,
    status: r.status as ReleaseDoc["status"],
    startedBy: r.startedBy,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    endReason: doc.endReason,
    currentWave: doc.current,
    waves: doc.waves.map((w) => ({
      name: w.name,
      cells: w.cells,
      state: w.state,
      since: w.since,
      waiting: w.waiting,
      failure: w.failure,
      bakeEndsAt: w.bakeEndsAt,
      checks: w.checkResults,
      guard: {
        state: w.guard?.state ?? null,
        lastEvaluatedAt: w.guard?.lastEvaluatedAt ?? null,
        window: w.guard?.window ?? null,
        cells: w.guard?.cells ?? [],
        results: w.guard?.results ?? [],
        breach: w.breach ?? null,
        onBreach: w.onBreach ?? "rollback",
      },
      approval: w.decision,
    })),
  };
}
