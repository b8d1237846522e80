import "server-only";
// App-side access to health settings, cached briefly: ingest and the heatmap read them often.
import { db } from "@/lib/db";
import { readSetting, SETTINGS } from "@/lib/settings/store";
import type { Thresholds } from "./thresholds";

let cache: { at: number; value: Thresholds } | undefined;

export async function currentThresholds(): Promise<Thresholds> {
  if (cache && Date.now() - cache.at < 5_000) return cache.value;
  const { value } = await readSetting(db(), SETTINGS.thresholds);
  cache = { at: Date.now(), value };
  return value;
}

export function forgetThresholds() {
  cache = undefined;
}
