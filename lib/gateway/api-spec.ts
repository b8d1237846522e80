// The gateway part of the v1 API, for the OpenAPI document; the handlers validate with these schemas.
import { z } from "zod";
import type { ApiOperation } from "@/lib/api/openapi";
import { CONTROL_MESSAGE, NO_CONTROL, safeId } from "@/lib/validation";
import { HTTP_METHODS, ROUTE_STATUSES } from "./model";

export const configQuery = z.object({
  format: z.enum(["yaml", "json"]).optional().describe("overrides the Accept header: yaml (default) or json"),
});

export const resolveQuery = z.object({
  method: z
    .string()
    .regex(/^[A-Za-z]{3,7}$/, "an HTTP method such as POST")
    .default("POST")
    .describe("request method (default POST)"),
  path: z
    .string()
    .startsWith("/", "must start with /")
    .max(2000)
    .regex(NO_CONTROL, CONTROL_MESSAGE)
    .describe("request path at the edge, e.g. /v2/Messages"),
  customer: safeId(100)
    .optional()
    .describe("a customer id: also answer which cell serves it (its home cell) and whether that cell reports the handlers"),
});

const headers = z.object({
  Deprecation: z.string().optional().describe("RFC 9745 Structured Field Date, e.g. @1736899200"),
  Sunset: z.string().optional().describe("RFC 8594 HTTP-date, e.g. Sun, 01 Jun 2025 00:00:00 GMT"),
  Link: z.string().optional().describe('RFC 8288, e.g. <https://docs.example.com/v1>; rel="deprecation"'),
});

const exportedRoute = z.object({
  path: z.string(),
  method: z.enum(HTTP_METHODS).optional().describe("omitted when POST"),
  status: z.enum(ROUTE_STATUSES),
  backend: z.string().describe("template; ${cell_router} is the cell router's base URL"),
  service: z.string().optional().describe("omitted when the backend names it"),
  version: z.string().optional().describe("handler version; omitted when the backend names it"),
  introduced: z.string().optional(),
  deprecation_date: z.string().optional(),
  sunset_date: z.string().optional(),
  documentation: z.string().optional(),
  alias_of: z.string().optional().describe("omitted when derivable: same backend as an older path version"),
  response_headers: headers.optional().describe("the headers the edge adds (deprecated routes)"),
});

export const exportedConfigSchema = z.object({
  cell_readiness: z
    .object({
      on_unready_cell: z.object({ status: z.literal(503), retry_after_seconds: z.number() }),
      unready: z.record(z.string(), z.array(z.string())).describe("served routes → active cells that do not serve their handlers now"),
    })
    .optional()
    .describe("live state (in the config the edge polls; ignored by an import)"),
  routes: z.array(exportedRoute),
});

const route = z.object({
  method: z.enum(HTTP_METHODS),
  path: z.string(),
  resource: z.string(),
  service: z.string(),
  version: z.string(),
  backend: z.string(),
  status: z.enum(ROUTE_STATUSES),
  introduced: z.string().nullable(),
  deprecationDate: z.string().nullable(),
  sunsetDate: z.string().nullable(),
  documentation: z.string().nullable(),
  aliasOf: z.string().nullable(),
});

export const resolveAnswerSchema = z.object({
  request: z.object({ method: z.string(), path: z.string() }),
  outcome: z.enum(["routed", "not_found", "gone", "method_not_allowed", "cell_not_ready"]),
  status: z
    .number()
    .describe(
      "what the edge answers: 200 (forwarded), 404, 405, 410, or 503 when the customer's home cell does not serve the route's handlers",
    ),
  route: route.nullable(),
  servedAs: z.string().nullable().describe("for an alias, the route whose handlers serve it"),
  backend: z.string().nullable().describe("backend URL with ${cell_router} substituted"),
  headers,
  allow: z.array(z.string()).optional(),
  message: z.string(),
  configVersion: z.number(),
  cell: z
    .object({
      customer: z.string(),
      id: z.string(),
      capability: z.enum(["ready", "missing", "outdated", "stale"]),
      running: z.string().nullable().describe("the version of the route's service the cell runs now"),
    })
    .nullable(),
});

export const gatewayOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/gateway/config",
    tag: "Gateway",
    auth: "gateway:read",
    summary: "The live route table for the Landing Zone to poll (YAML or JSON)",
    description:
      "The table in the shape of examples/api-gateway-config.yaml. YAML (`application/yaml`) by default; JSON with `Accept: application/json` or `?format=json`. The ETag changes exactly when the table changes (any lifecycle change or import); poll with If-None-Match for 304s. Also available to signed-in users of the dashboard.",
    query: configQuery,
    responses: {
      200: {
        description: "The route table",
        schema: exportedConfigSchema,
        headers: { ETag: "version of the table (per representation)", "X-Gateway-Config-Version": "the table's version number" },
      },
      304: { description: "Not modified since the ETag sent in If-None-Match" },
    },
  },
  {
    method: "get",
    path: "/api/v1/gateway/resolve",
    tag: "Gateway",
    auth: "gateway:read",
    summary: "How the edge would route a request: matched route, status, backend, headers",
    description:
      "A dry run against the live table. The answer's HTTP status mirrors the edge's: 200 when the request would be forwarded (backend with ${cell_router} substituted), 404 for no route or a disabled one, 405 for a known path with another method, 410 for a sunset route. The Deprecation, Sunset and Link headers the edge would add are in `headers` and also set on this response. Also available to signed-in users of the dashboard.",
    query: resolveQuery,
    responses: {
      200: {
        description: "Routed",
        schema: resolveAnswerSchema,
        headers: {
          Deprecation: "RFC 9745, when deprecated",
          Sunset: "RFC 8594, when announced",
          Link: "rel=deprecation / rel=sunset documentation",
        },
      },
      404: { description: "No route (or disabled at the edge)", schema: resolveAnswerSchema },
      405: { description: "Path known, method not", schema: resolveAnswerSchema, headers: { Allow: "methods the path answers" } },
      410: { description: "Sunset: the route answers 410 Gone", schema: resolveAnswerSchema },
    },
  },
];
