import "server-only";
// Reads for the settings page (admins only: the rollout settings hold secrets, shown in full there).
import { db } from "@/lib/db";
import { readSetting, SETTINGS } from "./store";

export async function settingsOverview(now: Date) {
  const [thresholds, links, runbooks, rollouts, freezes, windows, outbound] = await Promise.all([
    readSetting(db(), SETTINGS.thresholds),
    readSetting(db(), SETTINGS.links),
    db().runbook.findMany({ orderBy: { id: "asc" } }),
    readSetting(db(), SETTINGS.rollouts),
    db().freeze.findMany({ where: { endsAt: { gt: now } }, orderBy: { startsAt: "asc" } }),
    db().maintenanceWindow.findMany({ orderBy: [{ scope: "asc" }, { weekday: "asc" }] }),
    readSetting(db(), SETTINGS.outbound),
  ]);
  return { thresholds, links, runbooks, rollouts, freezes, windows, outbound };
}

/** The observability link templates (service page). */
export async function linkTemplates() {
  return (await readSetting(db(), SETTINGS.links)).value;
}
