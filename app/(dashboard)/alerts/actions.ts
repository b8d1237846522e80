"use server";
// Acknowledging an issue type's firing alerts goes through the one door: session → named
// permission (SRE, ADMIN) → zod → the store's update and its audit event in one transaction.
import { defineAction } from "@/lib/auth/server/action";
import { canAcknowledgeAlerts } from "@/lib/auth/permissions";
import { ackInputSchema } from "@/lib/health/alert-input";
import { acknowledgeAlertGroup } from "@/lib/health/server/alerts-store";

const acknowledge = defineAction({
  name: "acknowledge alerts",
  permission: canAcknowledgeAlerts,
  input: ackInputSchema,
  run: ({ tx, user, input }) => acknowledgeAlertGroup(tx, input, user.email, new Date()),
});

export async function acknowledgeAction(raw: unknown) {
  return acknowledge(raw);
}
