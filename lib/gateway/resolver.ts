// How the edge would answer a request: which route matches, the status, the backend with
// ${cell_router} (and {params}) substituted, and the headers it adds. Pure; the table is passed in.
import { edgeHeaders, type EdgeHeaders } from "./headers";
import { CELL_ROUTER_VAR, routeKey, type HttpMethod, type Route } from "./model";

export type Outcome = "routed" | "not_found" | "gone" | "method_not_allowed";

export interface Resolution {
  outcome: Outcome;
  /** The status the edge answers with before any backend is involved (200 = forwarded). */
  status: 200 | 404 | 405 | 410;
  route: Route | null;
  /** For an alias, the route whose handlers serve it. */
  servedAs: string | null;
  backend: string | null;
  headers: EdgeHeaders;
  allow?: HttpMethod[];
  message: string;
}

function normalise(path: string): string {
  const p = path.split(/[?#]/)[0]!.replace(/\/{2,}/g, "/");
  return p.length > 1 ? p.replace(/\/$/, "") : p;
}

/** Segment-wise match; `{name}` matches one segment. Returns the captured parameters, or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const a = pattern.split("/"),
    b = normalise(path).split("/");
  if (a.length !== b.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < a.length; i++) {
    const m = /^\{(\w+)\}$/.exec(a[i]!);
    if (m) {
      if (!b[i]) return null;
      params[m[1]!] = decodeURIComponent(b[i]!);
    } else if (a[i] !== b[i]) return null;
  }
  return params;
}

const specificity = (pattern: string) => pattern.split("/").filter((s) => !s.startsWith("{")).length;

/** Substitute ${cell_router} and the matched {params} into a backend template. */
export function substituteBackend(template: string, cellRouter: string, params: Record<string, string> = {}): string {
  return template
    .split(CELL_ROUTER_VAR)
    .join(cellRouter.replace(/\/+$/, ""))
    .replace(/\{(\w+)\}/g, (all, name: string) => (name in params ? encodeURIComponent(params[name]!) : all));
}

export function resolveRequest(routes: Route[], req: { method: string; path: string }, cellRouter: string): Resolution {
  const method = req.method.toUpperCase();
  const path = normalise(req.path);
  const matches = routes
    .map((route) => ({ route, params: matchPath(route.path, path) }))
    .filter((m): m is { route: Route; params: Record<string, string> } => m.params !== null)
    .sort((x, y) => specificity(y.route.path) - specificity(x.route.path));
  const none = (message: string): Resolution => ({
    outcome: "not_found",
    status: 404,
    route: null,
    servedAs: null,
    backend: null,
    headers: {},
    message,
  });
  if (!matches.length) return none(`No route for ${method} ${path}.`);

  const same = matches.filter((m) => m.route.method === method);
  const hit = same.find((m) => m.route.status !== "disabled") ?? same[0];
  if (!hit) {
    const allow = [
      ...new Set(matches.filter((m) => m.route.status === "active" || m.route.status === "deprecated").map((m) => m.route.method)),
    ];
    if (!allow.length) return none(`No route for ${method} ${path}.`);
    return {
      outcome: "method_not_allowed",
      status: 405,
      route: null,
      servedAs: null,
      backend: null,
      headers: {},
      allow,
      message: `${path} answers ${allow.join(", ")} only.`,
    };
  }
  const r = hit.route;
  const key = routeKey(r);
  switch (r.status) {
    case "disabled":
      return {
        ...none(`${key} exists but is disabled at the edge: its handlers may be deployed, but it receives no traffic yet.`),
        route: r,
      };
    case "sunset":
      return {
        outcome: "gone",
        status: 410,
        route: r,
        servedAs: null,
        backend: null,
        headers: edgeHeaders(r),
        message: `${key} has been sunset; it answers 410 Gone.`,
      };
    default:
      return {
        outcome: "routed",
        status: 200,
        route: r,
        servedAs: r.aliasOf,
        backend: substituteBackend(r.backend, cellRouter, hit.params),
        headers: edgeHeaders(r),
        message: r.status === "deprecated" ? `${key} is deprecated; it is still served, with Deprecation headers.` : `${key} is active.`,
      };
  }
}
