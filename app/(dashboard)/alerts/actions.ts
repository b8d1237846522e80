"use server";
// Acknowledging an issue type's firing alerts goes through the one door: session → named
// permission (SRE, ADMIN) → zod → the store's update and its audit event in one transaction.
import { z } from "zod";
import { silenceInputSchema } from "@/lib/alerts/silences";
import { createSilence, expireSilence } from "@/lib/alerts/server/store";
import { canAcknowledgeAlerts, canManageSilences } from "@/lib/auth/permissions";
import { defineAction } from "@/lib/auth/server/action";
import { ackInputSchema } from "@/lib/health/alert-input";
import { acknowledgeAlertGroup } from "@/lib/health/server/alerts-store";

export const acknowledgeAction = defineAction({
  name: "acknowledge alerts",
  permission: canAcknowledgeAlerts,
  input: ackInputSchema,
  run: ({ tx, user, input }) => acknowledgeAlertGroup(tx, input, user.email, new Date()),
});

export const createSilenceAction = defineAction({
  name: "silence alerts",
  permission: canManageSilences,
  input: silenceInputSchema,
  run: ({ tx, user, input }) => createSilence(tx, input, user.email),
  revalidate: ["/alerts"],
});

export const expireSilenceAction = defineAction({
  name: "end silences",
  permission: canManageSilences,
  input: z.object({ id: z.coerce.bigint() }),
  run: ({ tx, input }) => expireSilence(tx, input.id, new Date()),
  revalidate: ["/alerts"],
});
