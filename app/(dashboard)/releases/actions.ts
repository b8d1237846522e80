"use server";
import { z } from "zod";
import {
  canAbortRelease,
  canAdvanceRelease,
  canDecideGates,
  canPauseRelease,
  canRollbackRelease,
  canStartRelease,
} from "@/lib/auth/permissions";
import { defineAction } from "@/lib/auth/server/action";
import { seenWarningsField } from "@/lib/changes/blast-radius";
import { confirmBlastRadius } from "@/lib/changes/server/blast-radius";
import { startReleaseSchema } from "@/lib/rollouts/api";
import { commandRelease } from "@/lib/rollouts/server/release-store";
import { startRelease } from "@/lib/rollouts/server/start";
import { commandActions } from "@/lib/transitions/server/command-action";
import { withTypedId } from "@/lib/transitions/typed-id";

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

/** A release id and a reason of at least `min` characters. */
const withReason = (min: number) =>
  z.object({
    id: z.string().min(1),
    reason: z
      .string()
      .trim()
      .min(min, min ? `at least ${min} characters` : undefined)
      .max(1000),
  });

// Every command goes to the release's transition (lib/transitions); the engine decides it under the
// row lock, four-eyes included (lib/approvals/four-eyes.ts).
const releaseCommand = commandActions(commandRelease, ["/releases", "/approvals"]);

const decision = z.object({
  id: z.string().min(1),
  wave: z.coerce.number().int().min(0),
  comment: z.string().trim().min(3, "say why, in at least 3 characters").max(1000),
});

export const approveAction = releaseCommand("approve release gates", canDecideGates, decision, (i, u) => ({
  kind: "approve",
  wave: i.wave,
  by: u.email,
  comment: i.comment,
}));
export const rejectAction = releaseCommand("reject release gates", canDecideGates, decision, (i, u) => ({
  kind: "reject",
  wave: i.wave,
  by: u.email,
  comment: i.comment,
}));
export const pauseAction = releaseCommand("pause releases", canPauseRelease, withReason(0), (i, u) => ({
  kind: "pause",
  by: u.email,
  reason: i.reason,
}));
export const resumeAction = releaseCommand("resume releases", canPauseRelease, z.object({ id: z.string().min(1) }), (_i, u) => ({
  kind: "resume",
  by: u.email,
}));
/** Aborting leaves every deployed wave as it is: the release id is typed to confirm (the page names the cells and customers). */
const abortInput = withTypedId(withReason(3), "type the release id to confirm the abort");

export const abortAction = releaseCommand("abort releases", canAbortRelease, abortInput, (i, u) => ({
  kind: "abort",
  by: u.email,
  reason: i.reason,
}));
export const rollbackReleaseAction = releaseCommand("roll back whole releases", canRollbackRelease, withReason(3), (i, u) => ({
  kind: "rollbackRelease",
  by: u.email,
  reason: i.reason,
}));
export const rollbackAction = releaseCommand("roll back waves", canRollbackRelease, withReason(3), (i, u) => ({
  kind: "rollback",
  by: u.email,
  reason: i.reason,
}));
export const advanceAction = releaseCommand("advance bakes", canAdvanceRelease, withReason(3), (i, u) => ({
  kind: "advance",
  by: u.email,
  reason: i.reason,
}));
