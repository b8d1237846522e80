// Alerting settings (admins, Settings → Alerting): which Alertmanager labels say what, and the
// routing rules that send alert groups out (Slack-compatible webhooks, PagerDuty Events v2). Pure.
import { z } from "zod";
import { isRecord, readYaml } from "@/lib/yaml-errors";
import { DEFAULT_ALERT_LABELS } from "./alertmanager";

const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "a label name");

export const alertRouteSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,59}$/, "lower-case letters, digits, . _ - (max 60)"),
    /** Issue types this route takes (empty: every type). */
    types: z.array(z.string().min(1).max(80)).default([]),
    severities: z.array(z.enum(["critical", "warning", "info"])).default([]),
    tiers: z.array(z.enum(["canary", "smb", "enterprise"])).default([]),
    /** slack://<channel> (Settings → Rollouts channels) or an https:// URL. */
    target: z
      .string()
      .max(500)
      .refine((s) => /^slack:\/\/[a-z0-9._-]+$/.test(s) || /^https?:\/\/\S+$/.test(s), "slack://<channel> or an http(s) URL"),
    /** The body: Slack-compatible `{text}` or PagerDuty Events API v2. */
    format: z.enum(["slack", "pagerduty"]).default("slack"),
    /** PagerDuty's integration (routing) key; required for format pagerduty. */
    routingKey: z.string().max(100).optional(),
  })
  .strict()
  .refine((r) => r.format !== "pagerduty" || !!r.routingKey, { message: "a pagerduty route needs its routingKey", path: ["routingKey"] });
export type AlertRoute = z.infer<typeof alertRouteSchema>;

export const alertingSettingsSchema = z.object({
  labels: z.object({ type: labelName, cell: labelName, service: labelName }),
  routes: z.array(alertRouteSchema).refine((rs) => new Set(rs.map((r) => r.name)).size === rs.length, "route names must be unique"),
});
export type AlertingSettings = z.infer<typeof alertingSettingsSchema>;

export const DEFAULT_ALERTING_SETTINGS: AlertingSettings = { labels: DEFAULT_ALERT_LABELS, routes: [] };

/**
 * Routing rules as admins write them (YAML, a list under `routes:`), every problem as
 * `line: field: reason`:
 *   routes:
 *     - { name: oncall, severities: [critical], target: "https://events.pagerduty.com/v2/enqueue", format: pagerduty, routingKey: R0… }
 *     - { name: smb-chat, tiers: [smb], target: "slack://sre-alerts" }
 */
export function parseRoutesYaml(text: string): AlertRoute[] {
  if (text.trim() === "") return [];
  const errors = readYaml(text);
  const root = errors.rootMapping("expected `routes:` followed by a list of routes");
  if (!Array.isArray(root.routes)) errors.at(["routes"], "routes", "a list of routes");
  errors.throwIfAny();
  const out: AlertRoute[] = [];
  (root.routes as unknown[]).forEach((r, i) => {
    const parsed = alertRouteSchema.safeParse(r);
    if (parsed.success) out.push(parsed.data);
    else
      for (const issue of parsed.error.issues)
        errors.at(
          ["routes", i, ...(issue.path as (string | number)[])],
          `routes[${i}]${issue.path.length ? `.${issue.path.join(".")}` : ""}`,
          issue.message,
        );
    if (isRecord(r) && out.filter((x) => x.name === r.name).length > 1)
      errors.at(["routes", i, "name"], `routes[${i}].name`, `a second route named ${r.name}`);
  });
  errors.throwIfAny();
  return out;
}

/** The routes as YAML, the shape parseRoutesYaml reads. */
export function routesYaml(routes: AlertRoute[]): string {
  if (routes.length === 0) return "routes: []\n";
  return `routes:\n${routes
    .map((r) => {
      const fields: string[] = [`name: ${r.name}`];
      if (r.types.length) fields.push(`types: [${r.types.join(", ")}]`);
      if (r.severities.length) fields.push(`severities: [${r.severities.join(", ")}]`);
      if (r.tiers.length) fields.push(`tiers: [${r.tiers.join(", ")}]`);
      fields.push(`target: ${JSON.stringify(r.target)}`, `format: ${r.format}`);
      if (r.routingKey) fields.push(`routingKey: ${JSON.stringify(r.routingKey)}`);
      return `  - ${fields.join("\n    ")}`;
    })
    .join("\n")}\n`;
}
