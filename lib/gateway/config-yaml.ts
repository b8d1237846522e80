// The Landing Zone gateway config file (examples/api-gateway-config.yaml), imported as written and
// exported in the same shape. Errors name the line and the field and return nothing partial;
// warnings (a legacy header converted) are returned beside the table.
//
// What the seed's file leaves implicit, and how it is read:
//   - no `method`: the routes are the resource calls of the seed (`POST /v1/Messages`): POST.
//   - no `service` / `version`: taken from the backend, `${cell_router}/<service>/<version>/…`.
//   - a route whose backend is another route's backend, under an older path version (`/v0/Messages`
//     → `${cell_router}/sms/v1/messages`), is an internal alias of that route (`alias_of`).
//   - `response_headers: { Deprecation: "true" }` is the pre-RFC 9745 boolean form. It is accepted and
//     converted to a date (never emitted): the date the route's successor was introduced — the earliest
//     `introduced` of a newer version of the same resource — else the import time; never later than
//     the announced sunset. The import returns a warning saying which date was chosen and why.
//   - `Sunset` in response_headers must agree with `sunset_date` (either may be given).
import { isRecord, readYaml, type SpecError, type SpecErrors, type YamlPath } from "@/lib/yaml-errors";
import {
  formatDayOrInstant,
  formatHttpDate,
  formatSfDate,
  edgeHeaders,
  parseDay,
  parseHttpDate,
  parseHttpDateLenient,
  parseLinks,
  parseSfDate,
} from "./headers";
import {
  DEFAULT_METHOD,
  DOCUMENTATION_URL,
  HTTP_METHODS,
  PATH_PATTERN,
  ROUTE_STATUSES,
  VERSION_PATTERN,
  parseBackend,
  pathVersion,
  parseRouteKey,
  routeKey,
  versionNumber,
  type HttpMethod,
  type Route,
  type RouteStatus,
} from "./model";

export interface ParsedGatewayConfig {
  routes: Route[];
  warnings: SpecError[];
}

const ROUTE_KEYS = [
  "path",
  "method",
  "status",
  "backend",
  "service",
  "version",
  "introduced",
  "deprecation_date",
  "sunset_date",
  "documentation",
  "alias_of",
  "response_headers",
] as const;
const HEADER_KEYS = ["Deprecation", "Sunset", "Link"] as const;

interface Draft {
  index: number;
  route: Route;
  line: number | undefined;
  legacyDeprecation: boolean;
  explicitAlias: string | null;
  explicitDeprecation: boolean;
}

/**
 * Parse a gateway config. `knownServices` is the service catalogue; `now` dates a legacy
 * `Deprecation: "true"` that nothing else can date. Throws SpecValidationError with every problem.
 */
export function parseGatewayYaml(text: string, knownServices: readonly string[], now: Date): ParsedGatewayConfig {
  const c = readYaml(text);
  const drafts: Draft[] = [];
  routeList(c).forEach((raw, i) => {
    const draft = readRoute(raw, i, knownServices, c);
    if (draft) drafts.push(draft);
  });
  const byKey = rejectDuplicateRoutes(drafts, c);
  for (const d of drafts) resolveAlias(d, byKey, drafts, c);
  for (const d of drafts) checkLifecycle(d, drafts, now, c);
  c.throwIfAny();
  return { routes: drafts.map((d) => d.route), warnings: c.sortedWarnings() };
}

/** The file's `routes` list; anything else at the top level is a problem (`cell_readiness`, live state the edge reads, is ignored). */
function routeList(c: SpecErrors): unknown[] {
  const r = c.rootMapping("expected a mapping with `routes`");
  for (const key of Object.keys(r))
    if (key !== "routes" && key !== CELL_READINESS_KEY) c.at([key], key, "unknown top-level field (expected `routes`)");
  if (!Array.isArray(r.routes)) {
    c.at(["routes"], "routes", "required: a list of routes");
    c.fail();
  }
  return r.routes;
}

/** One entry of `routes` being read: its fields, and how to report a problem with one of them. */
class RouteEntry {
  constructor(
    readonly index: number,
    readonly o: Record<string, unknown>,
    readonly c: SpecErrors,
  ) {}
  at(...k: string[]): YamlPath {
    return ["routes", this.index, ...k];
  }
  field(k: string): string {
    return `routes[${this.index}].${k}`;
  }
  /** A problem with field `k`, on the line of `path` (the field's own by default). */
  bad(k: string, message: string, path = this.at(k)): void {
    this.c.at(path, this.field(k), message);
  }
}

/** Pass 1: one route on its own — its fields, checked and defaulted. Null when it has a problem. */
function readRoute(raw: unknown, i: number, knownServices: readonly string[], c: SpecErrors): Draft | null {
  if (!isRecord(raw)) {
    c.at(["routes", i], `routes[${i}]`, "must be a mapping with path, status and backend");
    return null;
  }
  const e = new RouteEntry(i, raw, c);
  const before = c.count;
  for (const k of Object.keys(raw))
    if (!(ROUTE_KEYS as readonly string[]).includes(k)) e.bad(k, `unknown field (allowed: ${ROUTE_KEYS.join(", ")})`);
  const { path, resource, versionInPath } = readPath(e);
  const method = readMethod(e);
  const status = readStatus(e);
  const { backend, service, version } = readHandler(e, versionInPath, knownServices);
  const introduced = readDate(e, "introduced");
  const dated = {
    deprecationDate: readDate(e, "deprecation_date"),
    sunsetDate: readDate(e, "sunset_date"),
    documentation: readDocumentation(e),
  };
  const explicitAlias = readAlias(e, method);
  const legacyDeprecation = readResponseHeaders(e, dated);
  if (c.count > before) return null;
  return {
    index: i,
    line: c.line(e.at()),
    legacyDeprecation,
    explicitAlias,
    explicitDeprecation: dated.deprecationDate !== null,
    route: {
      method,
      path,
      resource,
      service,
      version,
      backend,
      status,
      introduced,
      deprecationDate: dated.deprecationDate,
      sunsetDate: dated.sunsetDate,
      documentation: dated.documentation,
      aliasOf: null,
    },
  };
}

/** `path`: a version segment then the resource (`/v2/Messages`). */
function readPath(e: RouteEntry): { path: string; resource: string; versionInPath: string } {
  const path = e.o.path;
  if (typeof path !== "string" || path === "") {
    e.bad("path", "required, e.g. /v2/Messages");
    return { path: path as string, resource: "", versionInPath: "" };
  }
  const m = PATH_PATTERN.exec(path);
  if (!m) {
    e.bad("path", `"${path}" must be a version segment then the resource, e.g. /v2/Messages`);
    return { path, resource: "", versionInPath: "" };
  }
  return { path, resource: m[2]!, versionInPath: m[1]! };
}

function readMethod(e: RouteEntry): HttpMethod {
  const method = e.o.method;
  if (method === undefined) return DEFAULT_METHOD;
  if (typeof method !== "string" || !(HTTP_METHODS as readonly string[]).includes(method)) {
    e.bad("method", `must be one of ${HTTP_METHODS.join(", ")}`);
    return DEFAULT_METHOD;
  }
  return method as HttpMethod;
}

function readStatus(e: RouteEntry): RouteStatus {
  const status = e.o.status;
  if (typeof status === "string" && (ROUTE_STATUSES as readonly string[]).includes(status)) return status as RouteStatus;
  e.bad(
    "status",
    status === undefined
      ? `required (one of ${ROUTE_STATUSES.join(", ")})`
      : `unknown status "${String(status)}" (one of ${ROUTE_STATUSES.join(", ")})`,
  );
  return "disabled";
}

/** `backend`, and the service and handler version it serves: written, or taken from the backend. */
function readHandler(
  e: RouteEntry,
  versionInPath: string,
  knownServices: readonly string[],
): { backend: string; service: string; version: string } {
  const { o } = e;
  const backend = o.backend;
  const fromBackend = parseBackend(backend);
  if (typeof backend !== "string" || backend.trim() === "") e.bad("backend", "required, e.g. ${cell_router}/sms/v2/messages");
  else if (/\s/.test(backend)) e.bad("backend", "must not contain spaces");
  let service = "";
  if (o.service !== undefined) {
    if (typeof o.service !== "string") e.bad("service", "must be a service name");
    else if (fromBackend && fromBackend.service !== o.service)
      e.bad("service", `"${o.service}" differs from the backend's service "${fromBackend.service}"`);
    else service = o.service;
  } else if (fromBackend) service = fromBackend.service;
  else if (typeof backend === "string" && backend)
    e.bad("service", "required when the backend is not of the form ${cell_router}/<service>/<version>/…", e.at("backend"));
  if (service && !knownServices.includes(service)) {
    e.bad(
      "service",
      `unknown service "${service}" (known: ${knownServices.join(", ")})`,
      e.at(o.service !== undefined ? "service" : "backend"),
    );
  }
  let version = "";
  if (o.version !== undefined) {
    if (typeof o.version !== "string" || !VERSION_PATTERN.test(o.version)) e.bad("version", "must be a handler version like v2");
    else if (fromBackend && fromBackend.version !== o.version)
      e.bad("version", `"${o.version}" differs from the backend's version "${fromBackend.version}"`);
    else version = o.version;
  } else version = fromBackend?.version ?? versionInPath;
  return { backend: backend as string, service, version };
}

function readDate(e: RouteEntry, k: "introduced" | "deprecation_date" | "sunset_date"): Date | null {
  const v = e.o[k];
  if (v === undefined || v === null) return null;
  if (v instanceof Date && !Number.isNaN(v.getTime())) return v;
  const d = typeof v === "string" ? parseDay(v) : null;
  if (!d) e.bad(k, `malformed date ${JSON.stringify(v)} (expected YYYY-MM-DD or an ISO 8601 instant such as 2025-06-01T00:00:00Z)`);
  return d;
}

function readDocumentation(e: RouteEntry): string | null {
  const v = e.o.documentation;
  if (v === undefined || v === null) return null;
  if (typeof v === "string" && DOCUMENTATION_URL.test(v)) return v;
  e.bad("documentation", "must be an http(s) URL");
  return null;
}

/** `alias_of`: a route key, or a path under this route's method. */
function readAlias(e: RouteEntry, method: HttpMethod): string | null {
  const v = e.o.alias_of;
  if (v === undefined || v === null) return null;
  const key = typeof v === "string" ? (v.startsWith("/") ? `${method} ${v}` : v) : "";
  if (parseRouteKey(key)) return key;
  e.bad("alias_of", 'must name a route, e.g. "POST /v1/Messages" or "/v1/Messages"');
  return null;
}

interface DatedFields {
  deprecationDate: Date | null;
  sunsetDate: Date | null;
  documentation: string | null;
}

/**
 * `response_headers`: the standard three only, each checked against (and filling in) the date and
 * documentation fields. Returns whether the route carries the legacy `Deprecation: "true"`.
 */
function readResponseHeaders(e: RouteEntry, dated: DatedFields): boolean {
  const headers = e.o.response_headers;
  if (headers === undefined || headers === null) return false;
  if (typeof headers !== "object" || Array.isArray(headers)) {
    e.bad("response_headers", "must be a mapping of header names to values");
    return false;
  }
  let legacyDeprecation = false;
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    const h: HeaderEntry = { path: e.at("response_headers", name), field: `${e.field("response_headers")}.${name}`, value, c: e.c };
    const std = HEADER_KEYS.find((k) => k.toLowerCase() === name.toLowerCase());
    if (!std) e.c.at(h.path, h.field, `only ${HEADER_KEYS.join(", ")} are managed here; the edge derives them from the route`);
    else if (std === "Deprecation") legacyDeprecation = readDeprecationHeader(h, dated) || legacyDeprecation;
    else if (std === "Sunset") readSunsetHeader(h, dated);
    else readLinkHeader(h, dated);
  }
  return legacyDeprecation;
}

interface HeaderEntry {
  path: YamlPath;
  field: string;
  value: unknown;
  c: SpecErrors;
}

/** RFC 9745 `Deprecation` (or the draft's HTTP-date, converted); true for the legacy boolean. */
function readDeprecationHeader({ path, field, value, c }: HeaderEntry, dated: DatedFields): boolean {
  if (value === true || value === "true") return true;
  if (typeof value === "string" && (parseSfDate(value) || parseHttpDate(value))) {
    const d = parseSfDate(value) ?? parseHttpDate(value)!;
    if (parseHttpDate(value)) {
      c.warnAt(path, field, `an HTTP-date is the draft form; RFC 9745 uses a Structured Field Date. Converted to ${formatSfDate(d)}.`);
    }
    if (dated.deprecationDate && dated.deprecationDate.getTime() !== d.getTime())
      c.at(path, field, `${value} disagrees with deprecation_date ${formatDayOrInstant(dated.deprecationDate)}`);
    else dated.deprecationDate = d;
  } else
    c.at(path, field, `must be an RFC 9745 date such as @1735689600 (the legacy "true" is also accepted), not ${JSON.stringify(value)}`);
  return false;
}

/** RFC 8594 `Sunset`: an HTTP-date, a wrong weekday forgiven with a warning. */
function readSunsetHeader({ path, field, value, c }: HeaderEntry, dated: DatedFields): void {
  const lenient = typeof value === "string" ? parseHttpDateLenient(value) : null;
  const d = lenient?.date ?? null;
  if (lenient?.weekdayMismatch) {
    c.warnAt(
      path,
      field,
      `"${value}" names the wrong weekday (the date is a ${formatHttpDate(lenient.date).slice(0, 3)}); read as ${formatDayOrInstant(lenient.date)} and emitted as "${formatHttpDate(lenient.date)}"`,
    );
  }
  if (!d) c.at(path, field, `must be an HTTP-date in GMT such as "Sat, 01 Jun 2025 00:00:00 GMT" (RFC 8594), not ${JSON.stringify(value)}`);
  else if (dated.sunsetDate && dated.sunsetDate.getTime() !== d.getTime())
    c.at(
      path,
      field,
      `"${value}" disagrees with sunset_date ${formatDayOrInstant(dated.sunsetDate)} (${formatHttpDate(dated.sunsetDate)})`,
    );
  else dated.sunsetDate = d;
}

/** `Link` with rel="deprecation" or "sunset": the documentation URL. */
function readLinkHeader({ path, field, value, c }: HeaderEntry, dated: DatedFields): void {
  const links = typeof value === "string" ? parseLinks(value) : null;
  const doc = links?.find((l) => l.rel === "deprecation" || l.rel === "sunset")?.url;
  if (!links) c.at(path, field, `must be a Link header such as '<https://docs.example.com/v1>; rel="deprecation"'`);
  else if (doc && !DOCUMENTATION_URL.test(doc)) c.at(path, field, "the linked documentation must be an http(s) URL");
  else if (doc && dated.documentation && doc !== dated.documentation)
    c.at(path, field, `links to ${doc} but documentation is ${dated.documentation}`);
  else if (doc) dated.documentation = doc;
}

/** Pass 2: no route twice; the routes by key (the first of each). */
function rejectDuplicateRoutes(drafts: Draft[], c: SpecErrors): Map<string, Draft> {
  const seen = new Map<string, Draft>();
  for (const d of drafts) {
    const key = routeKey(d.route);
    const first = seen.get(key);
    if (first)
      c.at(["routes", d.index, "path"], `routes[${d.index}].path`, `duplicate route ${key} (first defined on line ${first.line ?? "?"})`);
    else seen.set(key, d);
  }
  return seen;
}

/** An explicit `alias_of` must name another route with the same backend; otherwise it is derived. */
function resolveAlias(d: Draft, byKey: Map<string, Draft>, drafts: Draft[], c: SpecErrors): void {
  const rt = d.route;
  if (!d.explicitAlias) {
    rt.aliasOf = derivedAlias(
      rt,
      drafts.map((x) => x.route),
    );
    return;
  }
  const path = ["routes", d.index, "alias_of"];
  const field = `routes[${d.index}].alias_of`;
  const target = byKey.get(d.explicitAlias);
  if (!target) c.at(path, field, `no route ${d.explicitAlias} in this file`);
  else if (target === d) c.at(path, field, "a route cannot be an alias of itself");
  else if (target.route.backend !== rt.backend) c.at(path, field, `an alias is served by its target's backend (${target.route.backend})`);
  else rt.aliasOf = d.explicitAlias;
}

/**
 * Pass 3: the lifecycle dates agree with the status. Only a deprecated or sunset route has dates; a
 * retired one without a deprecation date gets one (the legacy conversion, with a warning saying why).
 */
function checkLifecycle(d: Draft, drafts: Draft[], now: Date, c: SpecErrors): void {
  const rt = d.route;
  const at = (k: string) => ["routes", d.index, k];
  const f = (k: string) => `routes[${d.index}].${k}`;
  const written = (k: string) => c.doc?.getIn(["routes", d.index, k]) != null;
  const retired = rt.status === "deprecated" || rt.status === "sunset";
  if (!retired) {
    if (rt.deprecationDate)
      c.at(
        at(d.explicitDeprecation && written("deprecation_date") ? "deprecation_date" : "response_headers"),
        f("deprecation_date"),
        `only a deprecated or sunset route has a deprecation date; this route is ${rt.status}`,
      );
    if (rt.sunsetDate)
      c.at(
        at(written("sunset_date") ? "sunset_date" : "response_headers"),
        f("sunset_date"),
        `only a deprecated or sunset route has a sunset date; this route is ${rt.status}`,
      );
    if (d.legacyDeprecation)
      c.at(at("response_headers"), `${f("response_headers")}.Deprecation`, `a ${rt.status} route carries no Deprecation header`);
    return;
  }
  if (!rt.deprecationDate) dateDeprecation(d, drafts, now, c);
  else if (d.legacyDeprecation) {
    c.warnAt(
      at("response_headers"),
      `${f("response_headers")}.Deprecation`,
      `legacy value "true" ignored: deprecation_date ${formatDayOrInstant(rt.deprecationDate)} gives the date (emitted as ${formatSfDate(rt.deprecationDate)})`,
    );
  }
  if (rt.sunsetDate && rt.deprecationDate && rt.sunsetDate.getTime() < rt.deprecationDate.getTime()) {
    c.at(
      at(written("sunset_date") ? "sunset_date" : "response_headers"),
      f("sunset_date"),
      `sunset ${formatDayOrInstant(rt.sunsetDate)} precedes deprecation ${formatDayOrInstant(rt.deprecationDate)}; a route cannot stop answering before it is deprecated (RFC 9745 §3)`,
    );
  }
}

/** A retired route with no deprecation date: dated by `legacyDeprecationDate`, with a warning. */
function dateDeprecation(d: Draft, drafts: Draft[], now: Date, c: SpecErrors): void {
  const rt = d.route;
  const { date, why } = legacyDeprecationDate(
    rt,
    drafts.map((x) => x.route),
    now,
  );
  rt.deprecationDate = date;
  const headers = ["routes", d.index, "response_headers"];
  c.warnAt(
    d.legacyDeprecation ? [...headers, headerName(c.doc?.getIn(headers), "Deprecation")] : ["routes", d.index, "status"],
    d.legacyDeprecation ? `routes[${d.index}].response_headers.Deprecation` : `routes[${d.index}].deprecation_date`,
    `${d.legacyDeprecation ? 'legacy value "true" converted' : "no deprecation date given; dated"}: RFC 9745 needs a date, so ${routeKey(rt)} is deprecated as of ${formatDayOrInstant(date)} (${formatSfDate(date)}), ${why}. Set deprecation_date to choose another; "true" is never emitted.`,
  );
}

function headerName(node: unknown, wanted: string): string {
  const map = node as { items?: { key?: { value?: unknown } }[] } | undefined;
  const key = map?.items?.map((p) => String(p.key?.value ?? "")).find((k) => k.toLowerCase() === wanted.toLowerCase());
  return key ?? wanted;
}

/**
 * The route this one internally aliases: another route with the same backend whose path version
 * is the handler version (`/v0/Messages` → `${cell_router}/sms/v1/messages` is served as `/v1/Messages`).
 */
export function derivedAlias(rt: Route, all: Route[]): string | null {
  if (pathVersion(rt.path) === rt.version) return null;
  const target =
    all.find((o) => o !== rt && o.backend === rt.backend && pathVersion(o.path) === o.version && o.method === rt.method) ??
    all.find((o) => o !== rt && o.backend === rt.backend && pathVersion(o.path) === o.version);
  return target ? routeKey(target) : null;
}

/** The date a legacy boolean deprecation stands for (see the header of this file). */
export function legacyDeprecationDate(rt: Route, all: Route[], now: Date): { date: Date; why: string } {
  const mine = versionNumber(pathVersion(rt.path) ?? "v0");
  const successors = all
    .filter((o) => o.resource === rt.resource && o.introduced && versionNumber(pathVersion(o.path) ?? "v0") > mine)
    .sort((a, b) => a.introduced!.getTime() - b.introduced!.getTime());
  let date: Date, why: string;
  if (successors[0]) {
    date = successors[0].introduced!;
    why = `when its successor ${routeKey(successors[0])} was introduced`;
  } else {
    date = now;
    why = "the time of this import (no successor gives an introduction date)";
  }
  if (rt.sunsetDate && rt.sunsetDate.getTime() < date.getTime()) {
    date = rt.sunsetDate;
    why = "its sunset date (a route cannot be deprecated after it stops answering)";
  }
  return { date, why };
}

// ---- Export -------------------------------------------------------------------------------------

export interface ExportedRoute {
  path: string;
  method?: HttpMethod;
  status: RouteStatus;
  backend: string;
  service?: string;
  version?: string;
  introduced?: string;
  deprecation_date?: string;
  sunset_date?: string;
  documentation?: string;
  alias_of?: string;
  response_headers?: { Deprecation?: string; Sunset?: string; Link?: string };
}

/** The top-level field the live config carries beside `routes` (ignored by an import: it is state, not configuration). */
export const CELL_READINESS_KEY = "cell_readiness";

/** How the edge answers a customer whose home cell does not serve a served route's handlers (a forced enable, a rolled-back cell). */
export const UNREADY_CELL_ANSWER = { status: 503, retry_after_seconds: 60 } as const;

export interface CellReadinessBlock {
  on_unready_cell: typeof UNREADY_CELL_ANSWER;
  /** Served routes → the active cells that do not serve their handlers now. Empty when every cell is ready. */
  unready: Record<string, string[]>;
}

export interface ExportedConfig {
  routes: ExportedRoute[];
  cell_readiness?: CellReadinessBlock;
}

/**
 * The table in the file's shape. Fields that an import would derive the same way are left out
 * (POST, the backend's service and version, a derivable alias), so the seed's file round-trips
 * looking like itself; deprecated routes carry the standard headers the edge adds.
 */
export function exportGatewayConfig(routes: Route[], unready?: Record<string, string[]>): ExportedConfig {
  return {
    ...(unready ? { [CELL_READINESS_KEY]: { on_unready_cell: UNREADY_CELL_ANSWER, unready } } : {}),
    routes: routes.map((rt) => {
      const fromBackend = parseBackend(rt.backend);
      const out: ExportedRoute = {
        path: rt.path,
        ...(rt.method !== DEFAULT_METHOD ? { method: rt.method } : {}),
        status: rt.status,
        backend: rt.backend,
      };
      if (fromBackend?.service !== rt.service) out.service = rt.service;
      if ((fromBackend?.version ?? pathVersion(rt.path)) !== rt.version) out.version = rt.version;
      if (rt.introduced) out.introduced = formatDayOrInstant(rt.introduced);
      if (rt.deprecationDate) out.deprecation_date = formatDayOrInstant(rt.deprecationDate);
      if (rt.sunsetDate) out.sunset_date = formatDayOrInstant(rt.sunsetDate);
      if (rt.documentation) out.documentation = rt.documentation;
      if (rt.aliasOf && rt.aliasOf !== derivedAlias(rt, routes)) out.alias_of = rt.aliasOf;
      const h = edgeHeaders(rt);
      if (rt.status === "deprecated" && Object.keys(h).length) out.response_headers = h;
      return out;
    }),
  };
}

const PLAIN = /^[A-Za-z0-9_/${}.:+-][A-Za-z0-9_/${}.:+@ -]*$/;
/** Plain scalars YAML would read as something other than a string (booleans, null, numbers). */
const RESERVED = /^(true|false|null|~|yes|no|on|off|[-+]?\d[\d_]*(\.\d*)?([eE][-+]?\d+)?|0x[0-9a-f]+|0o[0-7]+|[-+]?\.(inf|nan))$/i;

function scalar(v: string): string {
  if (PLAIN.test(v) && !RESERVED.test(v) && !v.endsWith(" ") && !v.includes(": ") && !v.includes(" #")) return v;
  if (!v.includes("'") && !/[\n\\]/.test(v)) return `'${v}'`;
  return JSON.stringify(v);
}

/** The table as YAML in the shape of examples/api-gateway-config.yaml. */
export function exportGatewayYaml(routes: Route[], meta?: { version: number }, unready?: Record<string, string[]>): string {
  const cfg = exportGatewayConfig(routes);
  const lines = [
    `# Landing Zone API gateway config, exported by Cellplane${meta ? ` (config version ${meta.version})` : ""}.`,
    "# Re-import with `npx cellplane import gateway FILE`; method defaults to POST.",
  ];
  if (unready) {
    lines.push(
      "# Live state, ignored by an import: a customer whose home cell does not serve a route's handlers",
      `# gets ${UNREADY_CELL_ANSWER.status} with Retry-After: ${UNREADY_CELL_ANSWER.retry_after_seconds} until the cell serves them.`,
      `${CELL_READINESS_KEY}:`,
      `  on_unready_cell: { status: ${UNREADY_CELL_ANSWER.status}, retry_after_seconds: ${UNREADY_CELL_ANSWER.retry_after_seconds} }`,
    );
    const entries = Object.entries(unready);
    if (!entries.length) lines.push("  unready: {}");
    else {
      lines.push("  unready:");
      for (const [key, cells] of entries) lines.push(`    ${JSON.stringify(key)}: [${cells.map(scalar).join(", ")}]`);
    }
    lines.push("");
  }
  lines.push("routes:");
  cfg.routes.forEach((r, i) => {
    if (i > 0) lines.push("");
    const rt = routes[i]!;
    const entries = Object.entries(r) as [keyof ExportedRoute, unknown][];
    entries.forEach(([k, v], j) => {
      const prefix = j === 0 ? "  - " : "    ";
      if (k === "response_headers") {
        lines.push(`${prefix}response_headers:`);
        for (const [h, hv] of Object.entries(v as Record<string, string>))
          lines.push(`      ${h}: ${JSON.stringify(hv).includes('\\"') ? `'${hv}'` : JSON.stringify(hv)}`);
        return;
      }
      let comment = "";
      if (k === "backend" && rt.aliasOf) comment = `  # Internally aliased to ${rt.aliasOf}`;
      if (k === "status" && rt.status === "disabled") comment = "  # handlers deployed to cells, not yet enabled at the edge";
      if (k === "status" && rt.status === "sunset") comment = "  # answers 410 Gone at the edge";
      lines.push(`${prefix}${k}: ${scalar(String(v))}${comment}`);
    });
  });
  if (cfg.routes.length === 0) lines[lines.length - 1] = "routes: []";
  return `${lines.join("\n")}\n`;
}
