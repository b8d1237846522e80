// Alerts out: which notifications the routing rules call for, given the firing (unmuted) alert
// groups and what was last sent. One notification per issue-type group and route — sent when the
// group starts firing, again when cells join or leave it, and once more when it resolves. The
// bodies are Slack-compatible (`{text}`) or PagerDuty Events API v2. Pure.
import type { AlertGroup, Severity } from "@/lib/health/alerts";
import type { AlertRoute } from "./settings";

/** What was last sent along a route for an issue type. */
export interface Notified {
  route: string;
  type: string;
  cells: string[];
  status: "firing" | "resolved";
}

export type AlertEvent = "alert_firing" | "alert_update" | "alert_resolved";

export interface PlannedNotification {
  route: string;
  type: string;
  event: AlertEvent;
  cells: string[];
  target: string;
  body: Record<string, unknown>;
}

const PD_SEVERITY: Record<Severity, string> = { critical: "critical", warning: "warning", info: "info" };

function list(cells: string[], max = 8): string {
  return cells.slice(0, max).join(", ") + (cells.length > max ? `, … (${cells.length - max} more)` : "");
}

function slackBody(
  event: AlertEvent,
  g: Pick<AlertGroup, "type" | "severity" | "example"> | null,
  type: string,
  cells: string[],
  before: string[],
) {
  if (event === "alert_resolved") return { text: `✅ ${type} resolved (was on ${list(before)})` };
  const joined = cells.filter((c) => !before.includes(c));
  const change = event === "alert_update" ? ` — ${joined.length ? `now also ${list(joined)}` : "fewer cells"}` : "";
  return {
    text: `${g!.severity === "critical" ? "🔴" : g!.severity === "warning" ? "🟠" : "🔵"} ${type} (${g!.severity}) on ${cells.length} cell${cells.length === 1 ? "" : "s"}: ${list(cells)}${change}. ${g!.example}`,
  };
}

function pagerDutyBody(route: AlertRoute, event: AlertEvent, g: AlertGroup | null, type: string, cells: string[]) {
  const base = { routing_key: route.routingKey, dedup_key: `cellplane:${type}` };
  if (event === "alert_resolved") return { ...base, event_action: "resolve" };
  return {
    ...base,
    event_action: "trigger",
    payload: {
      summary: `${type} on ${cells.length} cell${cells.length === 1 ? "" : "s"}: ${list(cells, 5)} — ${g!.example}`.slice(0, 1024),
      source: "cellplane",
      severity: PD_SEVERITY[g!.severity],
      group: type,
      component: g!.services.join(",") || undefined,
      custom_details: { cells, services: g!.services, alerts: g!.alerts, first_seen: g!.firstSeen.toISOString() },
    },
  };
}

const sameCells = (a: string[], b: string[]) => a.length === b.length && a.every((c, i) => c === b[i]);

/** The group's cells this route takes (by tier), or none when its type or severity is not the route's. */
export function routedCells(route: AlertRoute, g: AlertGroup, tierOf: ReadonlyMap<string, string>): string[] {
  if (route.types.length && !route.types.includes(g.type)) return [];
  if (route.severities.length && !route.severities.includes(g.severity)) return [];
  const cells = route.tiers.length ? g.cells.filter((c) => route.tiers.includes(tierOf.get(c) as AlertRoute["tiers"][number])) : g.cells;
  return [...cells].sort();
}

/** Notifications due now: new groups, groups whose cells changed, groups that resolved. */
export function planNotifications(
  groups: AlertGroup[],
  routes: AlertRoute[],
  tierOf: ReadonlyMap<string, string>,
  notified: Notified[],
): PlannedNotification[] {
  const out: PlannedNotification[] = [];
  const last = new Map(notified.map((n) => [`${n.route}\u0000${n.type}`, n]));
  for (const route of routes) {
    const live = new Set<string>();
    for (const g of groups) {
      const cells = routedCells(route, g, tierOf);
      if (cells.length === 0) continue;
      live.add(g.type);
      const prev = last.get(`${route.name}\u0000${g.type}`);
      const event: AlertEvent | null =
        !prev || prev.status === "resolved" ? "alert_firing" : sameCells(prev.cells, cells) ? null : "alert_update";
      if (!event) continue;
      const body =
        route.format === "pagerduty"
          ? pagerDutyBody(route, event, g, g.type, cells)
          : slackBody(event, g, g.type, cells, prev?.cells ?? []);
      out.push({ route: route.name, type: g.type, event, cells, target: route.target, body });
    }
    for (const n of notified) {
      if (n.route !== route.name || n.status !== "firing" || live.has(n.type)) continue;
      const body =
        route.format === "pagerduty"
          ? pagerDutyBody(route, "alert_resolved", null, n.type, n.cells)
          : slackBody("alert_resolved", null, n.type, [], n.cells);
      out.push({ route: route.name, type: n.type, event: "alert_resolved", cells: n.cells, target: route.target, body });
    }
  }
  return out;
}
