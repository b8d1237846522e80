import "server-only";
// Reads for the API versions views (the table with readiness, the matrix, the plans, a route's
// history) and for the edge's HTTP API (the live table, the resolver's dry run).
import { db } from "@/lib/db";
import { readSetting } from "@/lib/settings/server/store";
import { availableActions, type ActionAvailability, type LifecycleKind } from "../lifecycle";
import { routeKey, type StoredRoute } from "../model";
import { breakingChangePlans, type BreakingChangePlan } from "../plan";
import type { Readiness } from "../readiness";
import { CELL_ROUTER_SETTING } from "../settings";
import {
  type CapabilityState,
  type ConfigVersion,
  configSnapshot,
  configVersion,
  loadCapabilities,
  loadRoutes,
  readinessOf,
  resolveFor,
} from "./store";

export interface RouteView {
  key: string;
  route: StoredRoute;
  readiness: Readiness;
  actions: Record<LifecycleKind, ActionAvailability>;
}

export interface GatewayOverview {
  now: Date;
  version: ConfigVersion;
  routes: RouteView[];
  /** Routes grouped by resource, in the table's order of first appearance. */
  resources: { resource: string; routes: RouteView[] }[];
  cells: CapabilityState["activeCells"];
  plans: BreakingChangePlan[];
  cellRouter: { url: string; version: number };
}

export async function gatewayOverview(now: Date): Promise<GatewayOverview> {
  const [routes, state, version, cellRouter] = await Promise.all([
    loadRoutes(db()),
    loadCapabilities(db()),
    configVersion(db()),
    readSetting(db(), CELL_ROUTER_SETTING),
  ]);
  const views: RouteView[] = routes.map((route) => {
    const readiness = readinessOf(state, route, now);
    return { key: routeKey(route), route, readiness, actions: availableActions(route, { now, readiness, routes }) };
  });
  const resources: GatewayOverview["resources"] = [];
  for (const v of views) {
    const g = resources.find((x) => x.resource === v.route.resource);
    if (g) g.routes.push(v);
    else resources.push({ resource: v.route.resource, routes: [v] });
  }
  for (const g of resources)
    g.routes.sort(
      (a, b) => a.route.path.localeCompare(b.route.path, "en", { numeric: true }) || a.route.method.localeCompare(b.route.method),
    );
  const byKey = new Map(views.map((v) => [v.key, v.readiness]));
  return {
    now,
    version,
    routes: views,
    resources,
    cells: state.activeCells,
    plans: breakingChangePlans(routes, (r) => byKey.get(routeKey(r)) ?? readinessOf(state, r, now), now),
    cellRouter: { url: cellRouter.value.url, version: cellRouter.version },
  };
}

export async function routeHistory(key: string, take = 50) {
  return db().auditEvent.findMany({ where: { targetType: "route", targetId: key }, orderBy: { at: "desc" }, take });
}

/** The live route table and its version, read as one snapshot (GET /api/v1/gateway/config). */
export function gatewayConfig() {
  return configSnapshot(db());
}

/** What the edge would answer to a request (GET /api/v1/gateway/resolve). */
export function resolveRoute(req: { method: string; path: string; customer?: string }, now: Date) {
  return resolveFor(db(), req, now);
}
