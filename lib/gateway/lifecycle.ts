// Lifecycle of a route at the edge: disabled → active → deprecated → sunset, with re-enable of a
// deprecated route. Each decision is a pure function of (route, action, table, readiness, now); the
// store applies it as one global change. Refusals say why, and name the lagging cells.
import { formatDayOrInstant } from "./headers";
import { isServed, pathVersion, routeKey, versionNumber, type Route, type RouteStatus, type StoredRoute } from "./model";
import { listCells, type Readiness } from "./readiness";
import { type FreezeSpan, frozenRefusal } from "@/lib/settings/freezes";

export type LifecycleAction =
  | { kind: "enable"; force?: { reason: string } }
  | { kind: "deprecate"; deprecationDate: Date; sunsetDate: Date | null; documentation: string | null }
  | { kind: "sunset"; confirmation: string }
  | { kind: "reenable" };

export type LifecycleKind = LifecycleAction["kind"];

export const MIN_FORCE_REASON = 10;

/** What still works on routes during a freeze. */
export const FROZEN_ROUTE_HINT = "Deprecating (headers only) still works; enable, re-enable or sunset once the freeze ends.";

/** The lifecycle part of a route that an action changes. */
export type LifecycleState = Pick<
  StoredRoute,
  "status" | "deprecationDate" | "sunsetDate" | "documentation" | "enabledAt" | "deprecatedAt" | "retiredAt"
>;

export type Decision =
  | { ok: true; next: LifecycleState; event: string; forced: boolean }
  | { ok: false; code: "CONFLICT" | "PRECONDITION" | "INVALID"; message: string; laggingCells?: string[]; field?: string };

export interface DecisionContext {
  now: Date;
  /** The fleet freeze in force at `now`, if any: no route starts or stops being served during it. */
  freeze?: FreezeSpan | null;
  /** Readiness of the route's service × handler version across the active cells. */
  readiness: Readiness;
  /** The whole table, for successor and alias rules. */
  routes: Route[];
}

const refuse = (
  code: "CONFLICT" | "PRECONDITION" | "INVALID",
  message: string,
  extra: { laggingCells?: string[]; field?: string } = {},
): Decision => ({ ok: false, code, message, ...extra });

const ALLOWED_FROM: Record<LifecycleKind, RouteStatus[]> = {
  enable: ["disabled"],
  deprecate: ["active", "deprecated"],
  sunset: ["deprecated"],
  reenable: ["deprecated"],
};

const VERB: Record<LifecycleKind, string> = { enable: "enabled", deprecate: "deprecated", sunset: "sunset", reenable: "re-enabled" };

/** Newer versions of the same resource and method (the routes clients are told to move to). */
export function successors(route: Route, routes: Route[]): Route[] {
  const mine = versionNumber(pathVersion(route.path) ?? "v0");
  return routes
    .filter((r) => r.resource === route.resource && r.method === route.method && versionNumber(pathVersion(r.path) ?? "v0") > mine)
    .sort((a, b) => versionNumber(pathVersion(a.path)!) - versionNumber(pathVersion(b.path)!));
}

/** Routes served as internal aliases of this one. */
export const aliasesOf = (route: Route, routes: Route[]) => routes.filter((r) => r.aliasOf === routeKey(route));

export function decide(route: StoredRoute, action: LifecycleAction, ctx: DecisionContext): Decision {
  const key = routeKey(route);
  if (!ALLOWED_FROM[action.kind].includes(route.status)) {
    const hint: Record<LifecycleKind, string> = {
      enable: route.status === "deprecated" ? " (re-enable it instead)" : "",
      deprecate: route.status === "disabled" ? " (it is not served; nothing to deprecate)" : "",
      sunset: route.status === "active" ? " (deprecate it first, so clients are told)" : "",
      reenable: "",
    };
    return refuse(
      "CONFLICT",
      `${key} is ${route.status}; only a ${ALLOWED_FROM[action.kind].join(" or ")} route can be ${VERB[action.kind]}${hint[action.kind]}.`,
    );
  }
  // A freeze stops what changes who is served: enabling, re-enabling, and the sunset (410 Gone, final).
  // Deprecating (headers only, reversible after the freeze) still works.
  if (ctx.freeze && action.kind !== "deprecate") {
    const what = { enable: "Enabling", reenable: "Re-enabling", sunset: "Sunsetting" }[action.kind];
    return refuse("PRECONDITION", frozenRefusal(`${what} ${key}`, ctx.freeze, FROZEN_ROUTE_HINT).message);
  }
  switch (action.kind) {
    case "enable":
      return decideEnable(route, action, ctx);
    case "deprecate":
      return decideDeprecate(route, action, ctx);
    case "sunset":
      return decideSunset(route, action, ctx);
    case "reenable":
      return {
        ok: true,
        forced: false,
        event: "route.reenable",
        next: {
          status: "active",
          deprecationDate: null,
          sunsetDate: null,
          documentation: route.documentation,
          enabledAt: route.enabledAt,
          deprecatedAt: null,
          retiredAt: null,
        },
      };
  }
}

/** Enable: every active cell serves the handler version, or an admin forces it with a reason. */
function decideEnable(route: StoredRoute, action: Extract<LifecycleAction, { kind: "enable" }>, ctx: DecisionContext): Decision {
  let forced = false;
  if (!ctx.readiness.ready) {
    if (!action.force) {
      return refuse(
        "PRECONDITION",
        `Cannot enable ${routeKey(route)}: ${ctx.readiness.summary}${ctx.readiness.lagging.length ? ` (${listCells(ctx.readiness.lagging, 20)})` : ""}. Every active cell must report ${route.service} ${route.version} first.`,
        {
          laggingCells: ctx.readiness.lagging.map((c) => c.cell),
        },
      );
    }
    if (action.force.reason.trim().length < MIN_FORCE_REASON) {
      return refuse("INVALID", `Forcing past the readiness gate needs a reason of at least ${MIN_FORCE_REASON} characters.`, {
        field: "reason",
      });
    }
    forced = true;
  }
  return {
    ok: true,
    forced,
    event: "route.enable",
    next: {
      status: "active",
      deprecationDate: null,
      sunsetDate: null,
      documentation: route.documentation,
      enabledAt: ctx.now,
      deprecatedAt: null,
      retiredAt: null,
    },
  };
}

/** Deprecate (or change the dates of a deprecation): clients need a served newer version to move to. */
function decideDeprecate(route: StoredRoute, action: Extract<LifecycleAction, { kind: "deprecate" }>, ctx: DecisionContext): Decision {
  if (action.sunsetDate && action.sunsetDate.getTime() < action.deprecationDate.getTime()) {
    return refuse(
      "INVALID",
      `The sunset date ${formatDayOrInstant(action.sunsetDate)} precedes the deprecation date ${formatDayOrInstant(action.deprecationDate)}; a route cannot stop answering before it is deprecated.`,
      { field: "sunsetDate" },
    );
  }
  const next = successors(route, ctx.routes);
  if (next.length && !next.some((r) => isServed(r.status))) {
    return refuse(
      "PRECONDITION",
      `Enable ${routeKey(next[0]!)} first: clients told to migrate off ${routeKey(route)} need a newer version to move to.`,
    );
  }
  return {
    ok: true,
    forced: false,
    event: route.status === "deprecated" ? "route.deprecation.update" : "route.deprecate",
    next: {
      status: "deprecated",
      deprecationDate: action.deprecationDate,
      sunsetDate: action.sunsetDate,
      documentation: action.documentation ?? route.documentation,
      enabledAt: route.enabledAt,
      deprecatedAt: route.deprecatedAt ?? ctx.now,
      retiredAt: null,
    },
  };
}

/** Sunset (410 Gone): confirmed by typing the route, not before its announced date, no live alias left. */
function decideSunset(route: StoredRoute, action: Extract<LifecycleAction, { kind: "sunset" }>, ctx: DecisionContext): Decision {
  const key = routeKey(route);
  const { now } = ctx;
  if (action.confirmation.trim() !== key)
    return refuse("INVALID", `Type "${key}" to confirm; the route will answer 410 Gone.`, { field: "confirmation" });
  if (route.sunsetDate && route.sunsetDate.getTime() > now.getTime()) {
    return refuse(
      "PRECONDITION",
      `${key} was announced to answer until ${formatDayOrInstant(route.sunsetDate)}; change the sunset date first (deprecate again) to sunset it earlier.`,
    );
  }
  const live = aliasesOf(route, ctx.routes).filter((r) => r.status !== "sunset");
  if (live.length) {
    return refuse(
      "PRECONDITION",
      `${live.map(routeKey).join(", ")} ${live.length === 1 ? "is an alias" : "are aliases"} of ${key}, served by its handlers; sunset ${live.length === 1 ? "it" : "them"} first.`,
    );
  }
  return {
    ok: true,
    forced: false,
    event: "route.sunset",
    next: {
      status: "sunset",
      deprecationDate: route.deprecationDate,
      sunsetDate: route.sunsetDate ?? now,
      documentation: route.documentation,
      enabledAt: route.enabledAt,
      deprecatedAt: route.deprecatedAt,
      retiredAt: now,
    },
  };
}

export interface ActionAvailability {
  kind: LifecycleKind;
  available: boolean;
  /** Why not, in the domain's words (the UI shows it beside the disabled control). */
  reason: string | null;
}

/** Which lifecycle actions a route offers now, and why the others are unavailable. Role checks are the caller's. */
export function availableActions(route: StoredRoute, ctx: DecisionContext): Record<LifecycleKind, ActionAvailability> {
  const key = routeKey(route);
  const probe = (kind: LifecycleKind, action: LifecycleAction): ActionAvailability => {
    const d = decide(route, action, ctx);
    if (d.ok) return { kind, available: true, reason: null };
    // The inputs the probe cannot know (confirmation, dates) do not make an action unavailable.
    if (d.code === "INVALID") return { kind, available: true, reason: null };
    return { kind, available: false, reason: d.message };
  };
  return {
    enable: probe("enable", { kind: "enable" }),
    deprecate: probe("deprecate", { kind: "deprecate", deprecationDate: ctx.now, sunsetDate: null, documentation: null }),
    sunset: probe("sunset", { kind: "sunset", confirmation: key }),
    reenable: probe("reenable", { kind: "reenable" }),
  };
}
