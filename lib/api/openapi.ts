// The v1 HTTP API described as OpenAPI 3.1, built from the same zod schemas the handlers use.
// Each domain lists its operations in lib/<domain>/api-spec.ts; lib/api/operations.ts gathers them.
// tests/integration/openapi.test.ts fails when a route under app/api/v1 is missing here.
import { z } from "zod";

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

export interface ApiResponse {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface ApiOperation {
  method: HttpMethod;
  /** OpenAPI path, e.g. /api/v1/cells/{cell}/desired */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** Token scope required; "session" for browser-only, "public" for none. */
  auth: string;
  /** Other scopes that grant the operation too (any one of them will do). */
  alsoAuth?: string[];
  query?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, ApiResponse>;
}

const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

function schemaOf(s: z.ZodType) {
  return z.toJSONSchema(s, { target: "draft-2020-12", unrepresentable: "any", io: "input" });
}

export function openApiDocument(ops: ApiOperation[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  const scopes = new Set(ops.flatMap((o) => [o.auth, ...(o.alsoAuth ?? [])]).filter((a) => a.includes(":")));
  for (const op of ops) {
    const pathParams = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    const queryParams = op.query
      ? Object.entries(op.query.shape).map(([name, s]) => ({
          name,
          in: "query",
          required: !(s as z.ZodType).safeParse(undefined).success,
          schema: schemaOf(s as z.ZodType),
        }))
      : [];
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries(op.responses)) {
      responses[status] = {
        description: r.description,
        ...(r.headers
          ? { headers: Object.fromEntries(Object.entries(r.headers).map(([h, d]) => [h, { description: d, schema: { type: "string" } }])) }
          : {}),
        ...(r.schema ? { content: { [r.contentType ?? "application/json"]: { schema: schemaOf(r.schema) } } } : {}),
      };
    }
    for (const status of [400, 401, 403, 413, 503]) {
      const applies = status === 400 ? op.body || op.query : status === 413 ? op.body : true;
      if (op.auth !== "public" && !responses[status] && applies) {
        responses[status] = {
          description: {
            400: "Invalid input",
            401: "Missing, malformed, unknown, revoked or expired token",
            403: "The token lacks the scope, or is bound to other cells",
            413: "Body over the operation's limit (read no further)",
            503: "Busy: no database connection in time; nothing was changed, retry after Retry-After seconds",
          }[status],
          ...(status === 503 ? { headers: { "Retry-After": { description: "seconds", schema: { type: "string" } } } } : {}),
          content: { "application/json": { schema: schemaOf(errorSchema) } },
        };
      }
    }
    paths[op.path] ??= {};
    paths[op.path]![op.method] = {
      operationId: `${op.method}${op.path
        .replace(/^\/api\/v1/, "")
        .replace(/[{}]/g, "")
        .replace(/[^a-zA-Z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: [op.tag],
      ...(op.auth.includes(":")
        ? { security: [op.auth, ...(op.alsoAuth ?? [])].map((scope) => ({ bearer: [scope] })) }
        : op.auth === "session"
          ? { security: [{ session: [] }] }
          : { security: [] }),
      ...(pathParams.length || queryParams.length ? { parameters: [...pathParams, ...queryParams] } : {}),
      ...(op.body ? { requestBody: { required: true, content: { "application/json": { schema: schemaOf(op.body) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Cellplane API",
      version,
      description:
        "Telemetry in; fleet health, releases, flags and the gateway route table out. Machine clients authenticate with bearer tokens (`npx cellplane token create`); each operation names its scope.",
    },
    servers: [{ url: "/" }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: `Cellplane API token. Scopes: ${[...scopes].sort().join(", ")}` },
        session: { type: "apiKey", in: "cookie", name: "next-auth.session-token" },
      },
    },
    paths,
  };
}
