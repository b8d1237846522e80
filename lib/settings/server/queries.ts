import "server-only";
// Reads for the settings page (admins only: the rollout settings hold secrets, shown in full there).
import { db } from "@/lib/db";
import { healthSourceKind, prometheusEndpoint } from "@/lib/health/sources/server/current";
import { type FreezeSpan, freezeInForce } from "../freezes";
import { readSetting, SETTINGS } from "./store";

export async function settingsOverview(now: Date) {
  const [thresholds, links, runbooks, rollouts, freezes, windows, prometheus, alerting, outbound] = await Promise.all([
    readSetting(db(), SETTINGS.thresholds),
    readSetting(db(), SETTINGS.links),
    db().runbook.findMany({ orderBy: { id: "asc" } }),
    readSetting(db(), SETTINGS.rollouts),
    db().freeze.findMany({ where: { endsAt: { gt: now } }, orderBy: { startsAt: "asc" } }),
    db().maintenanceWindow.findMany({ orderBy: [{ scope: "asc" }, { weekday: "asc" }] }),
    readSetting(db(), SETTINGS.prometheus),
    readSetting(db(), SETTINGS.alerting),
    readSetting(db(), SETTINGS.outbound),
  ]);
  const endpoint = prometheusEndpoint();
  const source = { kind: healthSourceKind(), url: endpoint?.url ?? null };
  return { thresholds, links, runbooks, rollouts, freezes, windows, prometheus, alerting, source, outbound };
}

/** The observability link templates (service page). */
export async function linkTemplates() {
  return (await readSetting(db(), SETTINGS.links)).value;
}

/** The fleet freeze in force at `now` (the one ending last), for the pages that say a freeze is why. */
export async function freezeNow(now: Date): Promise<FreezeSpan | null> {
  return freezeInForce(await db().freeze.findMany({ where: { startsAt: { lte: now }, endsAt: { gt: now } } }), now);
}
