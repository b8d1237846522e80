// PromQL query templates: one query per signal for the whole fleet, grouped by the cell and service
// labels, admin-editable in Settings and importable as YAML. Pure: rendering, validation (the
// official PromQL grammar, @prometheus-io/lezer-promql) and the cell filter added to every series
// selector when only some cells are read (a wave's checks, one cell's charts).
import { parser } from "@prometheus-io/lezer-promql";
import { z } from "zod";
import { parseDuration } from "@/lib/rollouts/durations";
import { isRecord, readYaml, type SpecErrors } from "@/lib/yaml-errors";
import { SIGNALS, type Signal } from "./signals";

export { SIGNAL_LABELS, SIGNALS, type Signal } from "./signals";

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const labelName = z.string().regex(LABEL_NAME, "a Prometheus label name: letters, digits and _, not starting with a digit");
const durationText = z.string().refine((s) => (parseDuration(s) ?? 0) > 0, "a duration such as 5m, 30s or 1h");

export const promSettingsSchema = z
  .object({
    queries: z.object({
      errorRate: z.string().trim().min(1, "required").max(2000),
      p99: z.string().trim().min(1, "required").max(2000),
      cpu: z.string().trim().min(1, "required").max(2000),
      rps: z.string().trim().min(1, "required").max(2000),
      version: z.string().trim().min(1, "required").max(2000),
    }),
    /** Which labels carry the cell, the service and the version (for teams whose labels differ). */
    labels: z.object({ cell: labelName, service: labelName, version: labelName }),
    /** `$window` in the templates: the range of rate() and friends. */
    window: durationText,
    /** Resolution of range reads (release checks, charts): never finer than this. */
    step: durationText,
    /** The unit the p99 query answers in. */
    p99Unit: z.enum(["seconds", "milliseconds"]),
  })
  .strict();
export type PromSettings = z.infer<typeof promSettingsSchema>;

/**
 * The documented defaults, after common conventions: RED metrics of an HTTP service
 * (`http_requests_total` with a `code` label, `http_request_duration_seconds` histogram), the
 * process's CPU counter, and a `build_info{version}` gauge. `$cell`, `$service`, `$version` are the
 * label names below; `$window` the window.
 */
export const DEFAULT_PROM_SETTINGS: PromSettings = {
  queries: {
    errorRate:
      'sum by ($cell, $service) (rate(http_requests_total{code=~"5.."}[$window])) / sum by ($cell, $service) (rate(http_requests_total[$window]))',
    p99: "histogram_quantile(0.99, sum by ($cell, $service, le) (rate(http_request_duration_seconds_bucket[$window])))",
    cpu: "sum by ($cell, $service) (rate(process_cpu_seconds_total[$window]))",
    rps: "sum by ($cell, $service) (rate(http_requests_total[$window]))",
    version: "build_info",
  },
  labels: { cell: "cell", service: "service", version: "version" },
  window: "5m",
  step: "15s",
  p99Unit: "seconds",
};

/** Prometheus's own duration syntax for a number of milliseconds (whole seconds at least). */
export function promDuration(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  return s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`;
}

/** A template with its placeholders filled: label names and the window. */
export function renderQuery(template: string, s: Pick<PromSettings, "labels" | "window">): string {
  const window = promDuration(parseDuration(s.window) ?? 300_000);
  return template.replace(/\$(cell|service|version|window)\b/g, (_, k: string) =>
    k === "window" ? window : s.labels[k as keyof PromSettings["labels"]],
  );
}

/** Why a rendered query is not PromQL (with the column), or null when it parses. */
export function promqlError(query: string): string | null {
  if (/\$[a-z_]+/i.test(query)) return `unknown placeholder ${/\$[a-z_]+/i.exec(query)![0]} (use $cell, $service, $version, $window)`;
  let at: number | null = null;
  parser.parse(query).iterate({
    enter(n) {
      if (at === null && n.type.isError) at = n.from;
      return at === null;
    },
  });
  if (at === null) return null;
  const col = (at as number) + 1;
  return `not valid PromQL at column ${col}: ${JSON.stringify(query.slice(Math.max(0, col - 11), col + 10))}`;
}

/** Problems of each template, by signal (empty when every one renders to valid PromQL). */
export function templateErrors(s: PromSettings): Partial<Record<Signal, string>> {
  const out: Partial<Record<Signal, string>> = {};
  for (const k of SIGNALS) {
    const e = promqlError(renderQuery(s.queries[k], s));
    if (e) out[k] = e;
  }
  return out;
}

const escapeRegex = (s: string) => s.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&");
const escapeString = (s: string) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');

/**
 * The query restricted to some cells: `label=~"a|b"` is added to every series selector (Prometheus
 * anchors the regex). The templates' series must therefore carry the cell label — the defaults do.
 */
export function withCellFilter(query: string, cellLabel: string, cells: string[]): string {
  const matcher = `${cellLabel}=~"${escapeString(cells.map(escapeRegex).join("|"))}"`;
  const edits: { at: number; text: string }[] = [];
  parser.parse(query).iterate({
    enter(n) {
      if (n.name !== "VectorSelector") return true;
      const node = n.node;
      const matchers = node.getChild("LabelMatchers");
      if (matchers) {
        const inner = query.slice(matchers.from + 1, matchers.to - 1).trim();
        edits.push({ at: matchers.to - 1, text: inner === "" || inner.endsWith(",") ? matcher : `, ${matcher}` });
      } else edits.push({ at: n.to, text: `{${matcher}}` });
      return false;
    },
  });
  let out = query;
  for (const e of edits.sort((a, b) => b.at - a.at)) out = out.slice(0, e.at) + e.text + out.slice(e.at);
  return out;
}

/** Every signal's query, rendered, for the whole fleet or (with `cells`) for some cells. */
export function fleetQueries(s: PromSettings, cells?: string[]): Record<Signal, string> {
  const out = {} as Record<Signal, string>;
  for (const k of SIGNALS) {
    const q = renderQuery(s.queries[k], s);
    out[k] = cells ? withCellFilter(q, s.labels.cell, cells) : q;
  }
  return out;
}

/**
 * Read a YAML file of templates (the shape of examples/health-queries.yaml):
 *   labels: { cell: cell, service: service, version: version }
 *   window: 5m
 *   step: 15s
 *   p99Unit: seconds
 *   queries: { errorRate: "...", p99: "...", cpu: "...", rps: "...", version: "..." }
 * Fields left out keep the defaults. Every problem is reported as `file:line: field: reason`.
 */
export function parseTemplatesYaml(text: string): PromSettings {
  const errors = readYaml(text);
  const r = errors.rootMapping("expected a mapping with queries, labels, window, step, p99Unit");
  const merged = {
    ...DEFAULT_PROM_SETTINGS,
    ...r,
    queries: { ...DEFAULT_PROM_SETTINGS.queries, ...(isRecord(r.queries) ? r.queries : {}) },
    labels: { ...DEFAULT_PROM_SETTINGS.labels, ...(isRecord(r.labels) ? r.labels : {}) },
  };
  const parsed = promSettingsSchema.safeParse(merged);
  if (!parsed.success) {
    for (const i of parsed.error.issues) reportIssue(errors, i.path as (string | number)[], i.message);
    return errors.fail();
  }
  for (const [k, e] of Object.entries(templateErrors(parsed.data))) errors.at(["queries", k], `queries.${k}`, e);
  errors.throwIfAny();
  return parsed.data;
}

function reportIssue(errors: SpecErrors, path: (string | number)[], message: string) {
  const unknown = /Unrecognized key/i.test(message);
  errors.at(
    path,
    path.length ? path.join(".") : "(file)",
    unknown ? `${message} (fields: queries, labels, window, step, p99Unit)` : message,
  );
}

/** The YAML form of the settings (what an export or the example file looks like). */
export function templatesYaml(s: PromSettings): string {
  const q = (v: string) => JSON.stringify(v);
  return [
    "# Cellplane health queries (Settings → Health source). $cell, $service, $version: the label names below; $window: the window.",
    "labels:",
    `  cell: ${s.labels.cell}`,
    `  service: ${s.labels.service}`,
    `  version: ${s.labels.version}`,
    `window: ${s.window}`,
    `step: ${s.step}`,
    `p99Unit: ${s.p99Unit}`,
    "queries:",
    ...SIGNALS.map((k) => `  ${k}: ${q(s.queries[k])}`),
    "",
  ].join("\n");
}
