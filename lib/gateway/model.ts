// The route table of the Landing Zone edge: METHOD /vN/Resource → a versioned handler that every
// cell runs. Plain data and small helpers; no I/O, no clock.

export const ROUTE_STATUSES = ["disabled", "active", "deprecated", "sunset"] as const;
export type RouteStatus = (typeof ROUTE_STATUSES)[number];

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** The seed's routes name no method: they are the resource-creating calls (`POST /v1/Messages`). */
export const DEFAULT_METHOD: HttpMethod = "POST";

/** The placeholder the gateway replaces with the cell router's base URL. */
export const CELL_ROUTER_VAR = "${cell_router}";

/** A capability report older than this no longer counts: the cell may have rolled back. */
export const STALE_AFTER_MS = 15 * 60_000;

/** `/v2/Messages`, `/v2/Messages/{sid}`: a version segment, the resource, optional sub-paths. */
export const PATH_PATTERN = /^\/(v\d+)\/([A-Za-z][A-Za-z0-9_-]*)((?:\/(?:[A-Za-z0-9._~-]+|\{[A-Za-z_][A-Za-z0-9_]*\}))*)$/;

/** `${cell_router}/sms/v2/messages`: the service and the handler version the cells must serve. */
export const BACKEND_PATTERN = /^\$\{cell_router\}\/([a-z][a-z0-9-]*)\/(v\d+)(\/[^\s]*)?$/;

/** The service and handler version a backend names, when it has the form of `BACKEND_PATTERN`. */
export function parseBackend(backend: unknown): { service: string; version: string } | null {
  const m = typeof backend === "string" ? BACKEND_PATTERN.exec(backend) : null;
  return m ? { service: m[1]!, version: m[2]! } : null;
}

/** A route's documentation link (and any URL the edge links to): http(s), no spaces or quotes. */
export const DOCUMENTATION_URL = /^https?:\/\/[^\s<>"]+$/;

export const VERSION_PATTERN = /^v\d+$/;

export interface Route {
  method: HttpMethod;
  /** Public path at the edge, e.g. /v2/Messages. */
  path: string;
  /** The resource the path names (Messages, Calls): routes are grouped and planned by it. */
  resource: string;
  /** The service whose handlers serve this route. */
  service: string;
  /** The handler version every cell must report for this route to be served (v1 for an alias /v0 → v1). */
  version: string;
  /** Backend template, e.g. ${cell_router}/sms/v2/messages. */
  backend: string;
  status: RouteStatus;
  introduced: Date | null;
  /** RFC 9745: when the route is (or will be) deprecated. */
  deprecationDate: Date | null;
  /** RFC 8594: when the route stops answering. */
  sunsetDate: Date | null;
  /** Documentation of the deprecation and migration, linked with rel="deprecation" and rel="sunset". */
  documentation: string | null;
  /** Key of the route this one is an internal alias of (`POST /v1/Messages`), served by its handlers. */
  aliasOf: string | null;
}

/** A route as the control plane keeps it: the table entry plus when lifecycle steps happened. */
export interface StoredRoute extends Route {
  position: number;
  revision: number;
  enabledAt: Date | null;
  deprecatedAt: Date | null;
  retiredAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  updatedBy: string;
}

export type RouteKey = string;

export const routeKey = (r: { method: string; path: string }): RouteKey => `${r.method} ${r.path}`;

export function parseRouteKey(key: string): { method: HttpMethod; path: string } | null {
  const m = key.trim().match(/^([A-Z]+)\s+(\/\S*)$/);
  if (!m || !(HTTP_METHODS as readonly string[]).includes(m[1]!)) return null;
  return { method: m[1] as HttpMethod, path: m[2]! };
}

/** The version segment of a public path (v2 for /v2/Messages), or null. */
export function pathVersion(path: string): string | null {
  return PATH_PATTERN.exec(path)?.[1] ?? null;
}

export const versionNumber = (v: string) => Number(v.replace(/^v/, ""));

/** Whether a route is reachable at the edge (answers with its backend). */
export const isServed = (s: RouteStatus) => s === "active" || s === "deprecated";

/** A route's fields after its key, resource and service: named alike in the table and in its database row. */
export type RouteDetails = Pick<
  Route,
  "version" | "backend" | "status" | "introduced" | "deprecationDate" | "sunsetDate" | "documentation" | "aliasOf"
>;

export function routeDetails(r: RouteDetails): RouteDetails {
  return {
    version: r.version,
    backend: r.backend,
    status: r.status,
    introduced: r.introduced,
    deprecationDate: r.deprecationDate,
    sunsetDate: r.sunsetDate,
    documentation: r.documentation,
    aliasOf: r.aliasOf,
  };
}

/** The fields that make up the table (what export carries and an import compares). */
export function tableFields(r: Route): Route {
  return { method: r.method, path: r.path, resource: r.resource, service: r.service, ...routeDetails(r) };
}

const sameDate = (a: Date | null, b: Date | null) => (a === null || b === null ? a === b : a.getTime() === b.getTime());

export interface FieldChange {
  field: keyof Route | "position";
  from: string | null;
  to: string | null;
}

const show = (v: unknown): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v));

/** Field-by-field differences between two versions of one route. */
export function routeChanges(a: Route, b: Route): FieldChange[] {
  const out: FieldChange[] = [];
  for (const f of Object.keys(tableFields(a)) as (keyof Route)[]) {
    const x = a[f],
      y = b[f];
    const equal = x instanceof Date || y instanceof Date ? sameDate(x as Date | null, y as Date | null) : x === y;
    if (!equal) out.push({ field: f, from: show(x), to: show(y) });
  }
  return out;
}

export interface TableDiff {
  added: Route[];
  removed: Route[];
  changed: { key: RouteKey; changes: FieldChange[] }[];
  /** Whether the order of the routes differs (it is part of the exported file). */
  reordered: boolean;
}

export function diffTables(current: Route[], next: Route[]): TableDiff {
  const byKey = new Map(current.map((r) => [routeKey(r), r]));
  const nextKeys = new Set(next.map(routeKey));
  const diff: TableDiff = { added: [], removed: current.filter((r) => !nextKeys.has(routeKey(r))), changed: [], reordered: false };
  for (const r of next) {
    const cur = byKey.get(routeKey(r));
    if (!cur) diff.added.push(r);
    else {
      const changes = routeChanges(cur, r);
      if (changes.length) diff.changed.push({ key: routeKey(r), changes });
    }
  }
  const kept = current.map(routeKey).filter((k) => nextKeys.has(k));
  const keptNext = next.map(routeKey).filter((k) => byKey.has(k));
  diff.reordered = kept.join("\n") !== keptNext.join("\n");
  return diff;
}

export const isEmptyTableDiff = (d: TableDiff) => !d.added.length && !d.removed.length && !d.changed.length && !d.reordered;

export function formatTableDiff(d: TableDiff): string {
  if (isEmptyTableDiff(d)) return "The route table matches the file.";
  const out: string[] = [];
  for (const r of d.added) out.push(`+ route ${routeKey(r)} (${r.status}, ${r.service} ${r.version})`);
  for (const r of d.removed) out.push(`- route ${routeKey(r)} (removed from the table)`);
  for (const c of d.changed)
    out.push(`~ route ${c.key}: ${c.changes.map((x) => `${x.field} ${x.from ?? "—"} → ${x.to ?? "—"}`).join("; ")}`);
  if (d.reordered) out.push("~ routes reordered");
  return out.join("\n");
}
