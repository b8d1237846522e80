// The Prometheus-compatible health source: every read is a handful of PromQL queries, one per
// signal for the whole fleet (or for the cells asked about, by a label matcher), sent in parallel.
import {
  currentFromAnswers,
  currentQueries,
  NUMERIC_SIGNALS,
  type NumericSignal,
  type PromSample,
  type PromSeries,
  seriesFromAnswers,
  seriesQueries,
  type WindowQueryKey,
  windowFromAnswers,
  windowQueries,
} from "../prometheus";
import { SIGNALS, type PromSettings, type Signal } from "../templates";
import type { HealthSource } from "../types";
import { instantQuery, type PrometheusEndpoint, rangeQuery } from "./prometheus-http";

async function all<K extends string, T>(queries: Record<K, string>, run: (q: string) => Promise<T>): Promise<Record<K, T>> {
  const keys = Object.keys(queries) as K[];
  const answers = await Promise.all(keys.map((k) => run(queries[k])));
  return Object.fromEntries(keys.map((k, i) => [k, answers[i]])) as Record<K, T>;
}

/** A source reading through `endpoint` with the templates `settings()` returns (read at each call, so edits apply at once). */
export function prometheusSource(endpoint: PrometheusEndpoint, settings: () => Promise<PromSettings>): HealthSource {
  return {
    kind: "prometheus",
    async current(now) {
      const s = await settings();
      const q = currentQueries(s);
      const answers = await all<Signal, PromSample[]>(Object.fromEntries(SIGNALS.map((k) => [k, q[k]])) as Record<Signal, string>, (x) =>
        instantQuery(endpoint, x, now),
      );
      return currentFromAnswers(s, answers, now);
    },
    async readings(cells, services, window) {
      if (cells.length === 0 || services.length === 0 || window.to <= window.from) return [];
      const s = await settings();
      const answers = await all<WindowQueryKey, PromSample[]>(windowQueries(s, cells, window), (x) => instantQuery(endpoint, x, window.to));
      return windowFromAnswers(s, cells, services, answers);
    },
    async series(cell, services, window, stepMs) {
      const s = await settings();
      const q = seriesQueries(s, cell);
      const answers = await all<NumericSignal, PromSeries[]>(
        Object.fromEntries(NUMERIC_SIGNALS.map((k) => [k, q[k]])) as Record<NumericSignal, string>,
        (x) => rangeQuery(endpoint, x, window.from, window.to, stepMs),
      );
      return seriesFromAnswers(s, cell, services, answers);
    },
  };
}
