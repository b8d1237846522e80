"use server";
// Every flag change goes through the one door: session → canEditFlag → zod → store change and its
// audit event in one transaction. Edits carry the version the editor saw (optimistic concurrency).
// On a protected flag an edit (but switching it off) becomes a change request, which another product
// owner or an admin approves or rejects (four-eyes) — the last two actions here.
import { requestDecisionActions } from "@/lib/approvals/server/decision-actions";
import { z } from "zod";
import { canApproveFlagChange, canDecideFlagChanges, canEditFlag } from "@/lib/auth/permissions";
import { defineAction } from "@/lib/auth/server/action";
import { type BlastTarget, seenWarningsField } from "@/lib/changes/blast-radius";
import { confirmBlastRadius } from "@/lib/changes/server/blast-radius";
import { type DiffLine, requestDiff } from "@/lib/flags/change-requests";
import { customerIdSchema, flagKeySchema, percentageSchema } from "@/lib/flags/model";
import { decideFlagChange } from "@/lib/flags/server/change-decisions";
import { getFlagChange } from "@/lib/flags/server/change-requests";
import { resumeRamp } from "@/lib/flags/server/guard-store";
import { createFlag, type FlagPatch, updateFlag } from "@/lib/flags/server/store";
import { TIERS } from "@/lib/fleet/fleet-yaml";
import type { AuditInput } from "@/lib/audit/events";

const edit = {
  key: flagKeySchema,
  version: z.coerce.number().int().positive(),
  /** Why, for a protected flag's change request (kept with it). */
  comment: z.string().trim().max(500).optional(),
};

/** What an edit answers: the flag's version, and the change request it became on a protected flag. */
export interface FlagEditResult {
  key: string;
  version: number;
  request?: { id: string; diff: DiffLine[] };
}

/**
 * One edit of one flag; the audit action is `flag.<action>`. An edit that changes nothing writes
 * nothing; on a protected flag it is stored as a change request by the editor instead.
 */
function flagAction<S extends z.ZodObject<typeof edit>>(
  name: string,
  action: string,
  input: S,
  patch: (i: z.output<S>) => FlagPatch,
  /** A change whose blast radius the editor previews: checked again and recorded with it. */
  blast?: (i: z.output<S>) => { target: BlastTarget; seen: string[] | undefined },
) {
  return defineAction({
    name,
    permission: canEditFlag,
    input,
    async run({ tx, input, user }): Promise<{ data: FlagEditResult; audit: AuditInput[] }> {
      const now = new Date();
      const b = blast?.(input);
      const shown = b ? await confirmBlastRadius(tx, b.target, b.seen, now) : [];
      const by = { requestedBy: user.email, comment: input.comment };
      const { data: flag, audit, request } = await updateFlag(tx, input.key, input.version, patch(input), action, now, by);
      return {
        data: {
          key: flag.key,
          version: flag.version,
          ...(request ? { request: { id: request.id, diff: requestDiff(request.before, request.after) } } : {}),
        },
        audit: audit.length ? [...audit, ...shown] : audit,
      };
    },
    revalidate: (r) => ["/flags", `/flags/${r.key}`],
  });
}

export const setFlagEnabled = flagAction("turn a flag on or off", "toggle", z.object({ ...edit, enabled: z.boolean() }), (i) => ({
  enabled: i.enabled,
}));
export const setRolloutPercentage = flagAction(
  "change a rollout percentage",
  "percentage",
  z.object({ ...edit, percentage: percentageSchema, seenWarnings: seenWarningsField }),
  (i) => ({ rolloutPercentage: i.percentage }),
  (i) => ({ target: { kind: "flag", key: i.key, percentage: i.percentage }, seen: i.seenWarnings }),
);
export const setAllowlist = flagAction(
  "change an allowlist",
  "allowlist",
  z.object({ ...edit, allowlist: z.array(customerIdSchema).max(10_000) }),
  (i) => ({ allowlist: i.allowlist }),
);
export const setTargeting = flagAction(
  "change a flag's targeting",
  "targeting",
  z.object({ ...edit, tiers: z.array(z.enum(TIERS)), cells: z.array(z.string()), regions: z.array(z.string()) }),
  (i) => ({ targeting: { tiers: i.tiers, cells: i.cells, regions: i.regions } }),
);
export const setSchedule = flagAction(
  "change a flag's schedule",
  "schedule",
  // Steps are checked by the flag model itself, so each error names its step and field.
  z.object({ ...edit, schedule: z.array(z.object({ at: z.unknown(), percentage: z.unknown() })).max(50, "at most 50 steps") }),
  (i) => ({ schedule: i.schedule as FlagPatch["schedule"] }),
);
export const setFlagDetails = flagAction(
  "change a flag's details",
  "details",
  z.object({
    ...edit,
    description: z.string().max(1000),
    owner: z.string().max(200),
    salt: z.string().trim().min(1, "must not be empty").max(200),
    /** Absent: unchanged. */
    protected: z.boolean().optional(),
  }),
  (i) => ({ description: i.description, owner: i.owner, salt: i.salt, ...(i.protected !== undefined ? { protected: i.protected } : {}) }),
);

export const setRequires = flagAction(
  "change a flag's code prerequisites",
  "requires",
  // Service ids and ranges are checked by the flag model, so each error names its service.
  z.object({ ...edit, requires: z.record(z.string(), z.string()) }),
  (i) => ({ requires: i.requires }),
);
export const setGuard = flagAction(
  "change a flag's ramp guard",
  "guard",
  // The checks are read by the pipelines' check parser (in the flag model): errors name the check.
  z.object({
    ...edit,
    guard: z
      .object({
        checks: z.array(z.string()).max(20),
        onBreach: z.enum(["hold", "revert"]),
        watchHandRaised: z.boolean(),
        notify: z.string().trim().max(500).nullable(),
        watchFor: z.string().trim().max(40),
      })
      .nullable(),
  }),
  (i) => ({ guard: i.guard ? { ...i.guard, notify: i.guard.notify || null } : null }),
);

/** A product owner resumes a ramp its guard held (with a comment, audited). */
export const resumeFlagRamp = defineAction({
  name: "resume a held ramp",
  permission: canEditFlag,
  input: z.object({ ...edit, comment: z.string().trim().min(3, "say why it is safe to resume (at least 3 characters)").max(500) }),
  async run({ tx, input }) {
    const { data: flag, audit } = await resumeRamp(tx, input.key, input.version, input.comment, new Date());
    return { data: { key: flag.key, version: flag.version }, audit };
  },
  revalidate: (r) => ["/flags", `/flags/${r.key}`],
});

export const createFlagAction = defineAction({
  name: "create a flag",
  permission: canEditFlag,
  input: z.object({ key: flagKeySchema, description: z.string().max(1000).default(""), owner: z.string().max(200).default("") }),
  async run({ tx, input }) {
    const { data: flag, audit } = await createFlag(
      tx,
      { key: input.key, description: input.description, owner: input.owner, enabled: false, rolloutPercentage: 0 },
      new Date(),
    );
    return { data: { key: flag.key, version: flag.version }, audit };
  },
  revalidate: ["/flags"],
});

const flagChangeDecisions = requestDecisionActions({
  names: { approve: "approve flag change requests", reject: "reject flag change requests" },
  permission: canDecideFlagChanges,
  store: { find: getFlagChange, decide: decideFlagChange },
  mayApprove: canApproveFlagChange,
  messages: {
    number: "a change request number",
    notFound: (id) => `There is no flag change request #${id}.`,
    fourEyes: "four-eyes: the person who requested a flag change cannot approve it",
  },
  revalidate: (r) => ["/flags", `/flags/${r.flagKey}`, "/approvals"],
});

/** Approve a protected flag's change request: applied now iff the flag is still at its version (four-eyes). */
export const approveFlagChangeAction = flagChangeDecisions.approve;
/** Reject a change request (its requester may reject — withdraw — their own). */
export const rejectFlagChangeAction = flagChangeDecisions.reject;
