"use server";
// Every flag change goes through the one door: session → canEditFlag → zod → store change and its
// audit event in one transaction. Edits carry the version the editor saw (optimistic concurrency).
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction, type ActionResult } from "@/lib/auth/server/action";
import { canEditFlag } from "@/lib/auth/permissions";
import { TIERS } from "@/lib/fleet/fleet-yaml";
import { customerIdSchema, flagKeySchema, percentageSchema } from "@/lib/flags/model";
import { createFlag, updateFlag, type FlagPatch } from "@/lib/flags/server/store";

const edit = { key: flagKeySchema, version: z.coerce.number().int().positive() };

function flagAction<S extends z.ZodObject<typeof edit>>(name: string, action: string, input: S, patch: (i: z.output<S>) => FlagPatch) {
  const run = defineAction({
    name,
    permission: canEditFlag,
    input,
    async run({ tx, input }) {
      const { flag, audit } = await updateFlag(tx, input.key, input.version, patch(input), action, new Date());
      return { data: { key: flag.key, version: flag.version }, audit };
    },
  });
  return async (raw: unknown): Promise<ActionResult<{ key: string; version: number }>> => {
    const result = await run(raw);
    if (result.ok) {
      revalidatePath("/flags");
      revalidatePath(`/flags/${result.data.key}`);
    }
    return result;
  };
}

const doSetEnabled = flagAction("turn a flag on or off", "toggle", z.object({ ...edit, enabled: z.boolean() }), (i) => ({
  enabled: i.enabled,
}));
const doSetPercentage = flagAction(
  "change a rollout percentage",
  "percentage",
  z.object({ ...edit, percentage: percentageSchema }),
  (i) => ({ rolloutPercentage: i.percentage }),
);
const doSetAllowlist = flagAction(
  "change an allowlist",
  "allowlist",
  z.object({ ...edit, allowlist: z.array(customerIdSchema).max(10_000) }),
  (i) => ({ allowlist: i.allowlist }),
);
const doSetTargeting = flagAction(
  "change a flag's targeting",
  "targeting",
  z.object({ ...edit, tiers: z.array(z.enum(TIERS)), cells: z.array(z.string()), regions: z.array(z.string()) }),
  (i) => ({ targeting: { tiers: i.tiers, cells: i.cells, regions: i.regions } }),
);
const doSetSchedule = flagAction(
  "change a flag's schedule",
  "schedule",
  // Steps are checked by the flag model itself, so each error names its step and field.
  z.object({ ...edit, schedule: z.array(z.object({ at: z.unknown(), percentage: z.unknown() })).max(50, "at most 50 steps") }),
  (i) => ({ schedule: i.schedule as FlagPatch["schedule"] }),
);
const doSetDetails = flagAction(
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

export async function setFlagEnabled(raw: unknown) {
  return doSetEnabled(raw);
}
export async function setRolloutPercentage(raw: unknown) {
  return doSetPercentage(raw);
}
export async function setAllowlist(raw: unknown) {
  return doSetAllowlist(raw);
}
export async function setTargeting(raw: unknown) {
  return doSetTargeting(raw);
}
export async function setSchedule(raw: unknown) {
  return doSetSchedule(raw);
}
export async function setFlagDetails(raw: unknown) {
  return doSetDetails(raw);
}

const doCreate = defineAction({
  name: "create a flag",
  permission: canEditFlag,
  input: z.object({ key: flagKeySchema, description: z.string().max(1000).default(""), owner: z.string().max(200).default("") }),
  async run({ tx, input }) {
    const { flag, audit } = await createFlag(
      tx,
      { key: input.key, description: input.description, owner: input.owner, enabled: false, rolloutPercentage: 0 },
      new Date(),
    );
    return { data: { key: flag.key, version: flag.version }, audit };
  },
});

export async function createFlagAction(raw: unknown) {
  const result = await doCreate(raw);
  if (result.ok) revalidatePath("/flags");
  return result;
}
