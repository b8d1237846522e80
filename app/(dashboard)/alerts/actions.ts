"use server";
// Acknowledging an issue type's firing alerts goes through the one door: session → named
// permission (SRE, ADMIN) → zod → the store's update and its audit event in one transaction.
import { canAcknowledgeAlerts } from "@/lib/auth/permissions";
import { defineAction } from "@/lib/auth/server/action";
import { ackInputSchema } from "@/lib/health/alert-input";
import { acknowledgeAlertGroup } from "@/lib/health/server/alerts-store";

export const acknowledgeAction = defineAction({
  name: "acknowledge alerts",
  permission: canAcknowledgeAlerts,
  input: ackInputSchema,
  run: ({ tx, user, input }) => acknowledgeAlertGroup(tx, input, user.email, new Date()),
});
