"use server";
// Every flag change goes through the one door: session → canEditFlag → zod → store change and its
// audit event in one transaction. Edits carry the version the editor saw (optimistic concurrency).
import { z } from "zod";
import { canEditFlag } from "@/lib/auth/permissions";
import { defineAction } from "@/lib/auth/server/action";
import { type BlastTarget, seenWarningsField } from "@/lib/changes/blast-radius";
import { confirmBlastRadius } from "@/lib/changes/server/blast-radius";
import { customerIdSchema, flagKeySchema, percentageSchema } from "@/lib/flags/model";
import { resumeRamp } from "@/lib/flags/server/guard-store";
import { createFlag, type FlagPatch, updateFlag } from "@/lib/flags/server/store";
import { TIERS } from "@/lib/fleet/fleet-yaml";

const edit = { key: flagKeySchema, version: z.coerce.number().int().positive() };

/** One edit of one flag; the audit action is `flag.<action>`. An edit that changes nothing writes nothing. */
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
    async run({ tx, input }) {
      const now = new Date();
      const b = blast?.(input);
      const shown = b ? await confirmBlastRadius(tx, b.target, b.seen, now) : [];
      const { data: flag, audit } = await updateFlag(tx, input.key, input.version, patch(input), action, now);
      return { data: { key: flag.key, version: flag.version }, audit: audit.length ? [...audit, ...shown] : audit };
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
  }),
  (i) => ({ description: i.description, owner: i.owner, salt: i.salt }),
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
