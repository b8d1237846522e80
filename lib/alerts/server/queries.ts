import "server-only";
// Reads for the alerts page and the Alertmanager webhook.
import { db } from "@/lib/db";
import { groupByType } from "@/lib/health/alerts";
import { redactDelivery } from "@/lib/secrets/redact";
import { readSetting, SETTINGS } from "@/lib/settings/server/store";
import { muteOf } from "../silences";
import { muteContext, toSilence } from "./store";

export async function alertLabelMapping() {
  return (await readSetting(db(), SETTINGS.alerting)).value.labels;
}

/**
 * Firing alerts grouped by issue type, each group split into what notifies and what is muted
 * (silenced or inhibited by a deploy), with the reason per alert.
 */
export async function alertGroupsWithMutes(now: Date) {
  const [firing, mutes] = await Promise.all([
    db().alert.findMany({ where: { status: "firing" }, orderBy: { startedAt: "asc" } }),
    muteContext(db(), now),
  ]);
  const withMute = firing.map((a) => ({ ...a, mute: muteOf(a, mutes.silences, mutes.deploys, now) }));
  const groups = groupByType(firing).map((g) => {
    const alerts = withMute.filter((a) => a.type === g.type);
    return { ...g, muted: alerts.filter((a) => a.mute), loud: alerts.filter((a) => !a.mute).length };
  });
  return { groups, firing: withMute, deploys: mutes.deploys };
}

/** Silences in force or planned, newest first, and the last few that ended. */
export async function silencesOverview(now: Date) {
  const [active, ended] = await Promise.all([
    db().silence.findMany({ where: { endsAt: { gt: now } }, orderBy: { startsAt: "desc" } }),
    db().silence.findMany({ where: { endsAt: { lte: now } }, orderBy: { endsAt: "desc" }, take: 10 }),
  ]);
  return { active: active.map(toSilence), ended: ended.map(toSilence) };
}

/** The delivery log of alert notifications (targets and errors redacted: webhook URLs are secrets). */
export async function alertDeliveries(take = 20) {
  const rows = await db().delivery.findMany({ where: { kind: "alert" }, orderBy: { id: "desc" }, take });
  return rows.map(redactDelivery);
}
