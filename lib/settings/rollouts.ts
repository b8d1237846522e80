// Rollout settings edited by admins: chat channels, the deploy webhook, timeouts, notice lead time.
import { z } from "zod";

const url = z
  .string()
  .max(500)
  .refine((s) => s === "" || /^https?:\/\//.test(s), "must be an http(s) URL or empty");

export const rolloutSettingsSchema = z.object({
  /** slack://<channel> → incoming-webhook URL (Slack-compatible JSON `{ text }`). */
  channels: z.record(z.string().regex(/^[a-z0-9._-]+$/, "channel names: lower-case letters, digits, . _ -"), url),
  /** Receives {cell, service, version, release, wave} for every desired-version change (push hand-off). */
  deployWebhook: url,
  deployTimeoutMin: z
    .number()
    .positive()
    .max(24 * 60),
  telemetryTimeoutMin: z
    .number()
    .positive()
    .max(24 * 60),
  noticeLeadHours: z
    .number()
    .min(0)
    .max(24 * 14),
});
export type RolloutSettings = z.infer<typeof rolloutSettingsSchema>;

export const DEFAULT_ROLLOUT_SETTINGS: RolloutSettings = {
  channels: {},
  deployWebhook: "",
  deployTimeoutMin: 15,
  telemetryTimeoutMin: 5,
  noticeLeadHours: 24,
};

/**
 * The secrets (webhook URLs) a change of the rollout settings replaced, added or removed: their
 * names, for the audit event, whose before and after show the URLs only as scheme + host + `/…`.
 */
export function secretsChanged(
  before: Pick<RolloutSettings, "channels" | "deployWebhook">,
  after: Pick<RolloutSettings, "channels" | "deployWebhook">,
): string[] {
  const out: string[] = [];
  const names = [...new Set([...Object.keys(before.channels), ...Object.keys(after.channels)])].sort();
  for (const n of names) if ((before.channels[n] ?? "") !== (after.channels[n] ?? "")) out.push(`channels.${n}`);
  if (before.deployWebhook !== after.deployWebhook) out.push("deployWebhook");
  return out;
}
