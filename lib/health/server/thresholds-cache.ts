import "server-only";
// App-side access to health settings, cached briefly: ingest and the heatmap read them often.
import { pool } from "@/lib/db";
import { settingReader, SETTINGS } from "@/lib/settings/server/store";
import type { Thresholds } from "../thresholds";

let thresholds: ReturnType<typeof settingReader<Thresholds>> | undefined;
const reader = () => (thresholds ??= settingReader(pool(), SETTINGS.thresholds));

export const currentThresholds = (): Promise<Thresholds> => reader()();

/** After an ADMIN changes them: this process reads them again at once (others within 5 s). */
export function forgetThresholds() {
  thresholds?.forget(); // nothing cached yet: nothing to forget
}
