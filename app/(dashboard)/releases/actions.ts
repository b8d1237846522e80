"use server";
import { z } from "zod";
import {
  canAbortRelease,
  canAdvanceRelease,
  canApprove,
  canDecideGates,
  canPauseRelease,
  canRollbackRelease,
  canStartRelease,
} from "@/lib/auth/permissions";
import type { Principal } from "@/lib/auth/roles";
import { defineAction } from "@/lib/auth/server/action";
import { seenWarningsField } from "@/lib/changes/blast-radius";
import { confirmBlastRadius } from "@/lib/changes/server/blast-radius";
import type { Tx } from "@/lib/db/client";
import { env } from "@/lib/env";
import { DomainError } from "@/lib/errors";
import { startReleaseSchema } from "@/lib/rollouts/api";
import { commandRelease, releaseStarter } from "@/lib/rollouts/server/release-store";
import { startRelease } from "@/lib/rollouts/server/start";

const scale = () => env().CELLPLANE_TIME_SCALE;

export const startReleaseAction = defineAction({
  name: "start releases",
  permission: canStartRelease,
  input: z
    .object({
      pipeline: z.string(),
      service: z.string().min(1, "choose a service"),
      version: z.string().min(1, "required"),
      title: z.string().optional(),
      seenWarnings: seenWarningsField,
    })
    .transform((v, ctx) => {
      const parsed = startReleaseSchema.safeParse({ pipeline: v.pipeline, versions: { [v.service]: v.version.trim() }, title: v.title });
      if (!parsed.success) {
        for (const i of parsed.error.issues)
          ctx.addIssue({ code: "custom", message: i.message, path: [i.path[0] === "versions" ? "version" : String(i.path[0])] });
        return z.NEVER;
      }
      return { ...parsed.data, seenWarnings: v.seenWarnings };
    }),
  async run({ tx, input, user }) {
    const now = new Date();
    // The blast radius the form showed, checked again and recorded (before the release exists).
    const shown = await confirmBlastRadius(
      tx,
      { kind: "release", pipeline: input.pipeline, versions: input.versions },
      input.seenWarnings,
      now,
    );
    const started = await startRelease(tx, input, user.email, now);
    return { data: started.data, audit: [...started.audit, ...shown] };
  },
  revalidate: ["/releases"],
});

const idAndText = (field: string, min: number) =>
  z.object({
    id: z.string().min(1),
    [field]: z
      .string()
      .trim()
      .min(min, min ? `at least ${min} characters` : undefined)
      .max(1000),
  });

function releaseCommand<S extends z.ZodType>(
  name: string,
  permission: (u: Principal) => boolean,
  input: S,
  build: (input: z.output<S>, user: Principal) => Parameters<typeof commandRelease>[2],
  extraCheck?: (tx: Tx, input: z.output<S>, user: Principal) => Promise<void>,
) {
  return defineAction({
    name,
    permission,
    input,
    async run({ tx, input, user }) {
      const id = (input as { id: string }).id;
      if (extraCheck) await extraCheck(tx, input, user);
      return commandRelease(tx, id, build(input, user), user.email, new Date(), scale());
    },
    revalidate: ["/releases", "/approvals"],
  });
}

const decision = z.object({
  id: z.string().min(1),
  wave: z.coerce.number().int().min(0),
  comment: z.string().trim().min(3, "say why, in at least 3 characters").max(1000),
});

const fourEyes = async (tx: Tx, input: { id: string }, user: Principal) => {
  if (!canApprove(user, await releaseStarter(tx, input.id)))
    throw new DomainError("PRECONDITION", "four-eyes: the person who started the release cannot approve its gates");
};

export const approveAction = releaseCommand(
  "approve release gates",
  canDecideGates,
  decision,
  (i, u) => ({ kind: "approve", wave: i.wave, by: u.email, comment: i.comment }),
  fourEyes,
);
export const rejectAction = releaseCommand(
  "reject release gates",
  canDecideGates,
  decision,
  (i, u) => ({ kind: "reject", wave: i.wave, by: u.email, comment: i.comment }),
  fourEyes,
);
export const pauseAction = releaseCommand("pause releases", canPauseRelease, idAndText("reason", 0), (i, u) => ({
  kind: "pause",
  by: u.email,
  reason: String(i.reason ?? ""),
}));
export const resumeAction = releaseCommand("resume releases", canPauseRelease, z.object({ id: z.string().min(1) }), (_i, u) => ({
  kind: "resume",
  by: u.email,
}));
export const abortAction = releaseCommand("abort releases", canAbortRelease, idAndText("reason", 3), (i, u) => ({
  kind: "abort",
  by: u.email,
  reason: String(i.reason),
}));
export const rollbackAction = releaseCommand("roll back waves", canRollbackRelease, idAndText("reason", 3), (i, u) => ({
  kind: "rollback",
  by: u.email,
  reason: String(i.reason),
}));
export const advanceAction = releaseCommand("advance bakes", canAdvanceRelease, idAndText("reason", 3), (i, u) => ({
  kind: "advance",
  by: u.email,
  reason: String(i.reason),
}));
