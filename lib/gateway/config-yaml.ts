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
import { nodeAt, parseLocated, SpecValidationError, type SpecError } from "@/lib/yaml-errors";
import {
  formatDay,
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
  BACKEND_PATTERN,
  DEFAULT_METHOD,
  HTTP_METHODS,
  PATH_PATTERN,
  ROUTE_STATUSES,
  VERSION_PATTERN,
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

const URL_PATTERN = /^https?:\/\/[^\s<>"]+$/;

/**
 * Parse a gateway config. `knownServices` is the service catalogue; `now` dates a legacy
 * `Deprecation: "true"` that nothing else can date. Throws SpecValidationError with every problem.
 */
export function parseGatewayYaml(text: string, knownServices: readonly string[], now: Date): ParsedGatewayConfig {
  const { doc, lineOf, syntaxErrors } = parseLocated(text);
  if (syntaxErrors.length) throw new SpecValidationError(syntaxErrors);
  const errors: SpecError[] = [];
  const warnings: SpecError[] = [];
  const line = (path: (string | number)[]) => lineOf(nodeAt(doc, path));
  const err = (path: (string | number)[], field: string, message: string) => errors.push({ line: line(path), field, message });

  const root = doc.toJS() as unknown;
  if (!root || typeof root !== "object" || Array.isArray(root)) {
    throw new SpecValidationError([{ line: 1, field: "(root)", message: "expected a mapping with `routes`" }]);
  }
  const r = root as Record<string, unknown>;
  for (const key of Object.keys(r)) if (key !== "routes") err([key], key, "unknown top-level field (expected `routes`)");
  if (!Array.isArray(r.routes)) {
    err(["routes"], "routes", "required: a list of routes");
    throw new SpecValidationError(errors);
  }

  const drafts: Draft[] = [];
  r.routes.forEach((raw: unknown, i: number) => {
    const at = (...k: string[]) => ["routes", i, ...k];
    const f = (k: string) => `routes[${i}].${k}`;
    if (!raw || typeof raw !== "object" || Array.isArray(raw))
      return err(at(), `routes[${i}]`, "must be a mapping with path, status and backend");
    const o = raw as Record<string, unknown>;
    let ok = true;
    const bad = (k: string, message: string, path = at(k)) => {
      err(path, f(k), message);
      ok = false;
    };
    for (const k of Object.keys(o))
      if (!(ROUTE_KEYS as readonly string[]).includes(k)) bad(k, `unknown field (allowed: ${ROUTE_KEYS.join(", ")})`);

    // path and method
    const path = o.path;
    let resource = "",
      pv = "";
    if (typeof path !== "string" || path === "") bad("path", "required, e.g. /v2/Messages");
    else {
      const m = PATH_PATTERN.exec(path);
      if (!m) bad("path", `"${path}" must be a version segment then the resource, e.g. /v2/Messages`);
      else {
        pv = m[1]!;
        resource = m[2]!;
      }
    }
    let method: HttpMethod = DEFAULT_METHOD;
    if (o.method !== undefined) {
      if (typeof o.method !== "string" || !(HTTP_METHODS as readonly string[]).includes(o.method))
        bad("method", `must be one of ${HTTP_METHODS.join(", ")}`);
      else method = o.method as HttpMethod;
    }

    // status
    let status: RouteStatus = "disabled";
    if (typeof o.status !== "string" || !(ROUTE_STATUSES as readonly string[]).includes(o.status)) {
      bad(
        "status",
        o.status === undefined
          ? `required (one of ${ROUTE_STATUSES.join(", ")})`
          : `unknown status "${String(o.status)}" (one of ${ROUTE_STATUSES.join(", ")})`,
      );
    } else status = o.status as RouteStatus;

    // backend, service, version
    let service = "",
      version = "";
    const backend = o.backend;
    const fromBackend = typeof backend === "string" ? BACKEND_PATTERN.exec(backend) : null;
    if (typeof backend !== "string" || backend.trim() === "") bad("backend", "required, e.g. ${cell_router}/sms/v2/messages");
    else if (/\s/.test(backend)) bad("backend", "must not contain spaces");
    if (o.service !== undefined) {
      if (typeof o.service !== "string") bad("service", "must be a service name");
      else if (fromBackend && fromBackend[1] !== o.service)
        bad("service", `"${o.service}" differs from the backend's service "${fromBackend[1]}"`);
      else service = o.service;
    } else if (fromBackend) service = fromBackend[1]!;
    else if (typeof backend === "string" && backend)
      bad("service", "required when the backend is not of the form ${cell_router}/<service>/<version>/…", at("backend"));
    if (service && !knownServices.includes(service)) {
      bad(o.service !== undefined ? "service" : "backend", `unknown service "${service}" (known: ${knownServices.join(", ")})`);
      if (o.service === undefined) errors[errors.length - 1]!.field = f("service");
    }
    if (o.version !== undefined) {
      if (typeof o.version !== "string" || !VERSION_PATTERN.test(o.version)) bad("version", "must be a handler version like v2");
      else if (fromBackend && fromBackend[2] !== o.version)
        bad("version", `"${o.version}" differs from the backend's version "${fromBackend[2]}"`);
      else version = o.version;
    } else version = fromBackend?.[2] ?? pv;

    // dates
    const date = (k: "introduced" | "deprecation_date" | "sunset_date"): Date | null => {
      const v = o[k];
      if (v === undefined || v === null) return null;
      if (v instanceof Date && !Number.isNaN(v.getTime())) return v;
      const d = typeof v === "string" ? parseDay(v) : null;
      if (!d) bad(k, `malformed date ${JSON.stringify(v)} (expected YYYY-MM-DD or an ISO 8601 instant such as 2025-06-01T00:00:00Z)`);
      return d;
    };
    const introduced = date("introduced");
    let deprecationDate = date("deprecation_date");
    let sunsetDate = date("sunset_date");

    let documentation: string | null = null;
    if (o.documentation !== undefined && o.documentation !== null) {
      if (typeof o.documentation !== "string" || !URL_PATTERN.test(o.documentation)) bad("documentation", "must be an http(s) URL");
      else documentation = o.documentation;
    }

    let explicitAlias: string | null = null;
    if (o.alias_of !== undefined && o.alias_of !== null) {
      const key = typeof o.alias_of === "string" ? (o.alias_of.startsWith("/") ? `${method} ${o.alias_of}` : o.alias_of) : "";
      if (!parseRouteKey(key)) bad("alias_of", 'must name a route, e.g. "POST /v1/Messages" or "/v1/Messages"');
      else explicitAlias = key;
    }

    // response_headers: the standard three only; checked against the date fields.
    let legacyDeprecation = false;
    const headers = o.response_headers;
    if (headers !== undefined && headers !== null) {
      if (typeof headers !== "object" || Array.isArray(headers)) bad("response_headers", "must be a mapping of header names to values");
      else {
        for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
          const hp = at("response_headers", name);
          const hf = `${f("response_headers")}.${name}`;
          const std = HEADER_KEYS.find((h) => h.toLowerCase() === name.toLowerCase());
          const hbad = (message: string) => {
            err(hp, hf, message);
            ok = false;
          };
          if (!std) {
            hbad(`only ${HEADER_KEYS.join(", ")} are managed here; the edge derives them from the route`);
            continue;
          }
          if (std === "Deprecation") {
            if (value === true || value === "true") {
              legacyDeprecation = true;
            } else if (typeof value === "string" && (parseSfDate(value) || parseHttpDate(value))) {
              const d = parseSfDate(value) ?? parseHttpDate(value)!;
              if (parseHttpDate(value)) {
                warnings.push({
                  line: line(hp),
                  field: hf,
                  message: `an HTTP-date is the draft form; RFC 9745 uses a Structured Field Date. Converted to ${formatSfDate(d)}.`,
                });
              }
              if (deprecationDate && deprecationDate.getTime() !== d.getTime())
                hbad(`${value} disagrees with deprecation_date ${formatDay(deprecationDate)}`);
              else deprecationDate = d;
            } else hbad(`must be an RFC 9745 date such as @1735689600 (the legacy "true" is also accepted), not ${JSON.stringify(value)}`);
          } else if (std === "Sunset") {
            const lenient = typeof value === "string" ? parseHttpDateLenient(value) : null;
            const d = lenient?.date ?? null;
            if (lenient?.weekdayMismatch) {
              warnings.push({
                line: line(hp),
                field: hf,
                message: `"${value}" names the wrong weekday (the date is a ${formatHttpDate(lenient.date).slice(0, 3)}); read as ${formatDay(lenient.date)} and emitted as "${formatHttpDate(lenient.date)}"`,
              });
            }
            if (!d) hbad(`must be an HTTP-date in GMT such as "Sat, 01 Jun 2025 00:00:00 GMT" (RFC 8594), not ${JSON.stringify(value)}`);
            else if (sunsetDate && sunsetDate.getTime() !== d.getTime())
              hbad(`"${value}" disagrees with sunset_date ${formatDay(sunsetDate)} (${formatHttpDate(sunsetDate)})`);
            else sunsetDate = d;
          } else {
            const links = typeof value === "string" ? parseLinks(value) : null;
            const doc = links?.find((l) => l.rel === "deprecation" || l.rel === "sunset")?.url;
            if (!links) hbad(`must be a Link header such as '<https://docs.example.com/v1>; rel="deprecation"'`);
            else if (doc && !URL_PATTERN.test(doc)) hbad("the linked documentation must be an http(s) URL");
            else if (doc && documentation && doc !== documentation) hbad(`links to ${doc} but documentation is ${documentation}`);
            else if (doc) documentation = doc;
          }
        }
      }
    }

    if (!ok) return;
    drafts.push({
      index: i,
      line: line(at()),
      legacyDeprecation,
      explicitAlias,
      explicitDeprecation: deprecationDate !== null,
      route: {
        method,
        path: path as string,
        resource,
        service,
        version,
        backend: backend as string,
        status,
        introduced,
        deprecationDate,
        sunsetDate,
        documentation,
        aliasOf: null,
      },
    });
  });

  // Across routes: duplicates, aliases, the legacy Deprecation conversion, lifecycle consistency.
  const seen = new Map<string, Draft>();
  for (const d of drafts) {
    const key = routeKey(d.route);
    const first = seen.get(key);
    if (first)
      err(["routes", d.index, "path"], `routes[${d.index}].path`, `duplicate route ${key} (first defined on line ${first.line ?? "?"})`);
    else seen.set(key, d);
  }

  for (const d of drafts) {
    const rt = d.route;
    const at = (k: string) => ["routes", d.index, k];
    const f = (k: string) => `routes[${d.index}].${k}`;
    if (d.explicitAlias) {
      const target = seen.get(d.explicitAlias);
      if (!target) err(at("alias_of"), f("alias_of"), `no route ${d.explicitAlias} in this file`);
      else if (target === d) err(at("alias_of"), f("alias_of"), "a route cannot be an alias of itself");
      else if (target.route.backend !== rt.backend)
        err(at("alias_of"), f("alias_of"), `an alias is served by its target's backend (${target.route.backend})`);
      else rt.aliasOf = d.explicitAlias;
    } else {
      rt.aliasOf = derivedAlias(
        rt,
        drafts.map((x) => x.route),
      );
    }
  }

  for (const d of drafts) {
    const rt = d.route;
    const at = (k: string) => ["routes", d.index, k];
    const f = (k: string) => `routes[${d.index}].${k}`;
    const retired = rt.status === "deprecated" || rt.status === "sunset";
    if (!retired) {
      if (rt.deprecationDate)
        err(
          at(d.explicitDeprecation && doc.getIn(["routes", d.index, "deprecation_date"]) != null ? "deprecation_date" : "response_headers"),
          f("deprecation_date"),
          `only a deprecated or sunset route has a deprecation date; this route is ${rt.status}`,
        );
      if (rt.sunsetDate)
        err(
          at(doc.getIn(["routes", d.index, "sunset_date"]) != null ? "sunset_date" : "response_headers"),
          f("sunset_date"),
          `only a deprecated or sunset route has a sunset date; this route is ${rt.status}`,
        );
      if (d.legacyDeprecation)
        err(at("response_headers"), `${f("response_headers")}.Deprecation`, `a ${rt.status} route carries no Deprecation header`);
      continue;
    }
    if (!rt.deprecationDate) {
      const { date, why } = legacyDeprecationDate(
        rt,
        drafts.map((x) => x.route),
        now,
      );
      rt.deprecationDate = date;
      warnings.push({
        line: line(
          d.legacyDeprecation
            ? ["routes", d.index, "response_headers", headerName(doc.getIn(["routes", d.index, "response_headers"]), "Deprecation")]
            : ["routes", d.index, "status"],
        ),
        field: d.legacyDeprecation ? `${f("response_headers")}.Deprecation` : f("deprecation_date"),
        message: `${d.legacyDeprecation ? 'legacy value "true" converted' : "no deprecation date given; dated"}: RFC 9745 needs a date, so ${routeKey(rt)} is deprecated as of ${formatDay(date)} (${formatSfDate(date)}), ${why}. Set deprecation_date to choose another; "true" is never emitted.`,
      });
    } else if (d.legacyDeprecation) {
      warnings.push({
        line: line(["routes", d.index, "response_headers"]),
        field: `${f("response_headers")}.Deprecation`,
        message: `legacy value "true" ignored: deprecation_date ${formatDay(rt.deprecationDate)} gives the date (emitted as ${formatSfDate(rt.deprecationDate)})`,
      });
    }
    if (rt.sunsetDate && rt.deprecationDate && rt.sunsetDate.getTime() < rt.deprecationDate.getTime()) {
      err(
        at(doc.getIn(["routes", d.index, "sunset_date"]) != null ? "sunset_date" : "response_headers"),
        f("sunset_date"),
        `sunset ${formatDay(rt.sunsetDate)} precedes deprecation ${formatDay(rt.deprecationDate)}; a route cannot stop answering before it is deprecated (RFC 9745 §3)`,
      );
    }
  }

  if (errors.length) throw new SpecValidationError(errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
  return { routes: drafts.map((d) => d.route), warnings: warnings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)) };
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

export interface ExportedConfig {
  routes: ExportedRoute[];
}

/**
 * The table in the file's shape. Fields that an import would derive the same way are left out
 * (POST, the backend's service and version, a derivable alias), so the seed's file round-trips
 * looking like itself; deprecated routes carry the standard headers the edge adds.
 */
export function exportGatewayConfig(routes: Route[]): ExportedConfig {
  return {
    routes: routes.map((rt) => {
      const fromBackend = BACKEND_PATTERN.exec(rt.backend);
      const out: ExportedRoute = {
        path: rt.path,
        ...(rt.method !== DEFAULT_METHOD ? { method: rt.method } : {}),
        status: rt.status,
        backend: rt.backend,
      };
      if (fromBackend?.[1] !== rt.service) out.service = rt.service;
      if ((fromBackend?.[2] ?? pathVersion(rt.path)) !== rt.version) out.version = rt.version;
      if (rt.introduced) out.introduced = formatDay(rt.introduced);
      if (rt.deprecationDate) out.deprecation_date = formatDay(rt.deprecationDate);
      if (rt.sunsetDate) out.sunset_date = formatDay(rt.sunsetDate);
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
export function exportGatewayYaml(routes: Route[], meta?: { version: number }): string {
  const cfg = exportGatewayConfig(routes);
  const lines = [
    `# Landing Zone API gateway config, exported by Cellplane${meta ? ` (config version ${meta.version})` : ""}.`,
    "# Re-import with `npx cellplane import gateway FILE`; method defaults to POST.",
    "routes:",
  ];
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
