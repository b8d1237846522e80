// Which health source this process reads (CELLPLANE_HEALTH_SOURCE), built once. The Prometheus
// source reads its templates from Settings (cached 5 s; an admin's change applies at once here).
import type pg from "pg";
import type { Db, Tx } from "@/lib/db/client";
import { env } from "@/lib/env";
import { readSetting, settingReader, SETTINGS } from "@/lib/settings/server/store";
import type { PromSettings } from "../templates";
import type { HealthSource } from "../types";
import { builtinSource } from "./builtin-source";
import type { PrometheusEndpoint } from "./prometheus-http";
import { prometheusSource } from "./prometheus-source";

const g = globalThis as unknown as {
  cellplaneHealthSource?: HealthSource | null;
  cellplanePromSettings?: ReturnType<typeof settingReader<PromSettings>>;
};

/** The configured Prometheus-compatible endpoint, or null with the built-in source. */
export function prometheusEndpoint(): PrometheusEndpoint | null {
  const e = env();
  if (e.CELLPLANE_HEALTH_SOURCE !== "prometheus" || !e.CELLPLANE_PROMETHEUS_URL) return null;
  return {
    url: e.CELLPLANE_PROMETHEUS_URL,
    bearerToken: e.CELLPLANE_PROMETHEUS_TOKEN,
    basic: e.CELLPLANE_PROMETHEUS_USER ? { user: e.CELLPLANE_PROMETHEUS_USER, password: e.CELLPLANE_PROMETHEUS_PASSWORD! } : undefined,
  };
}

/**
 * The external source in force (Prometheus-compatible), reading its templates with `settings`, or
 * null when health comes from the built-in store.
 */
function externalSource(settings: () => Promise<PromSettings>): HealthSource | null {
  if (g.cellplaneHealthSource !== undefined) return g.cellplaneHealthSource;
  const endpoint = prometheusEndpoint();
  return endpoint ? prometheusSource(endpoint, settings) : null;
}

/** Use this source in this process from now on (tests and benchmarks; null: the built-in store). */
export function useHealthSource(source: HealthSource | null | undefined) {
  g.cellplaneHealthSource = source;
}

/** After an admin changes the templates: read them again at once. */
export function forgetPromSettings() {
  g.cellplanePromSettings?.forget();
}

/** A Prisma transaction as the query interface the built-in source reads through. */
export function txQueryable(tx: Tx): Pick<pg.Pool, "query"> {
  return {
    query: (async (text: string, values: unknown[] = []) => ({ rows: await tx.$queryRawUnsafe(text, ...values) })) as never,
  };
}

/** The external source in force for a read in `tx` (templates read in `tx`), or null with the built-in store. */
export function externalSourceIn(tx: Db | Tx): HealthSource | null {
  return externalSource(async () => (await readSetting(tx, SETTINGS.prometheus)).value);
}

/** The source a read in `tx` goes through: the external one when configured, else the built-in store in `tx`. */
export function healthSourceIn(tx: Tx): HealthSource {
  return externalSourceIn(tx) ?? builtinSource(txQueryable(tx));
}

/** The source reads on `pool` go through (pages, APIs, background jobs); templates cached 5 s. */
export function healthSourceOn(pool: Pick<pg.Pool, "query">): HealthSource {
  const templates = (g.cellplanePromSettings ??= settingReader(pool, SETTINGS.prometheus));
  return externalSource(templates) ?? builtinSource(pool);
}

/** Which kind of source is in force in this process. */
export function healthSourceKind(): HealthSource["kind"] {
  if (g.cellplaneHealthSource !== undefined) return g.cellplaneHealthSource?.kind ?? "builtin";
  return prometheusEndpoint() ? "prometheus" : "builtin";
}
