import "server-only";
// The door for HTTP APIs: bearer-token (or session) authentication with a named scope and cell
// binding, from the headers and before any body is read; path and query parameters checked
// before any handler (no control characters, bounded lengths: lib/validation.ts); bodies read with
// a limit (readJson); zod validation with specific 4xx errors, every 400 naming its fields; a saturated database answered 503 + Retry-After; and
// JSON error bodies of one shape:
//   { error: { code, message, details? } }     (400: details = [{ path, message }], path never empty)
import { NextResponse, type NextRequest } from "next/server";
import type { z } from "zod";
import { cellsRefused, credentialOf, type TokenGrant } from "@/lib/auth/bearer";
import type { Principal, TokenScope } from "@/lib/auth/roles";
import { currentUser } from "@/lib/auth/server/session";
import { tokenVerifier } from "@/lib/auth/server/tokens";
import { BUSY_RETRY_AFTER_S, DomainError, isPoolBusy } from "@/lib/errors";
import { BODY_REFUSED_HEADERS, readBodyText } from "@/lib/http/body";
import { type FieldProblem, issueDetails, paramProblems } from "@/lib/validation";
import { SpecValidationError } from "@/lib/yaml-errors";

export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export function apiError(status: number, code: string, message: string, details?: unknown, headers?: HeadersInit) {
  return NextResponse.json<ApiErrorBody>({ error: { code, message, ...(details === undefined ? {} : { details }) } }, { status, headers });
}

/** Who is calling: a token (machine; `cells` it is bound to, empty: any) or a signed-in user (browser). */
export type Caller = ({ kind: "token" } & TokenGrant) | { kind: "user"; user: Principal };

export const callerName = (c: Caller) => (c.kind === "token" ? `token:${c.name}` : c.user.email);

interface Options<C> {
  /** The scope a token needs (a list: any one of them). */
  scope: TokenScope | readonly TokenScope[];
  /** Also accept a browser session (e.g. read APIs the dashboard uses); by default tokens only. */
  allowSession?: boolean;
  /** The route parameter naming the cell the caller acts for: a token bound to other cells gets 403. */
  cellParam?: keyof C & string;
}

type Handler<C> = (req: NextRequest, ctx: { caller: Caller; params: C }) => Promise<Response>;

const scopeText = (scope: TokenScope | readonly TokenScope[], sep: string) => (typeof scope === "string" ? scope : scope.join(sep));

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Wrap a route handler: authenticate from the headers (a request that writes looks its token up
 * afresh, see lib/auth/server/tokens.ts), check the token's cell binding, then run; domain errors
 * become 4xx, a saturated database 503, the rest a 500.
 */
export function withApi<C = Record<string, string>>(opts: Options<C>, handler: Handler<C>) {
  return async (req: NextRequest, routeCtx: { params: Promise<C> }): Promise<Response> => {
    try {
      let caller: Caller;
      const auth = req.headers.get("authorization");
      const apiKey = req.headers.get("x-api-key");
      if (auth || apiKey || !opts.allowSession) {
        const check = await tokenVerifier().check(credentialOf(auth, apiKey), opts.scope, { fresh: WRITES.has(req.method) });
        if (!check.ok) {
          return apiError(check.status, check.status === 401 ? "UNAUTHENTICATED" : "FORBIDDEN", check.error, undefined, {
            ...(check.status === 401 ? { "WWW-Authenticate": `Bearer scope="${scopeText(opts.scope, " ")}"` } : {}),
            ...BODY_REFUSED_HEADERS,
          });
        }
        const { ok: _ok, ...grant } = check;
        caller = { kind: "token", ...grant };
      } else {
        const user = await currentUser();
        if (!user)
          return apiError(
            401,
            "UNAUTHENTICATED",
            `sign in or send a bearer token with scope ${scopeText(opts.scope, " or ")}`,
            undefined,
            BODY_REFUSED_HEADERS,
          );
        caller = { kind: "user", user };
      }
      const params = await routeCtx.params;
      const problems = paramProblems((params ?? {}) as Record<string, string | string[] | undefined>, req.nextUrl.searchParams);
      if (problems.length) throw new ApiInputError(400, "INVALID", "invalid path or query parameters; nothing was changed", problems);
      if (opts.cellParam) assertCells(caller, [String(params[opts.cellParam])]);
      return await handler(req, { caller, params });
    } catch (e) {
      return errorResponse(e);
    }
  };
}

/** 403 when a token bound to cells acts for another cell (sessions are not bound). */
export function assertCells(caller: Caller, cells: Iterable<string>) {
  if (caller.kind !== "token") return;
  const refused = cellsRefused(caller, cells);
  if (refused) throw new ApiInputError(403, "FORBIDDEN", refused.message, { cells: refused.cells }, BODY_REFUSED_HEADERS);
}

/** 503 + Retry-After: the database had no connection for this request in time; nothing was changed. */
export function busyResponse(): Response {
  return apiError(503, "BUSY", "Cellplane is busy; nothing was changed. Retry in a moment.", undefined, {
    "Retry-After": String(BUSY_RETRY_AFTER_S),
  });
}

export function errorResponse(e: unknown): Response {
  if (e instanceof ApiInputError) return apiError(e.status, e.code, e.message, e.details, e.headers);
  if (isPoolBusy(e)) return busyResponse();
  if (e instanceof SpecValidationError)
    return apiError(
      400,
      "INVALID",
      "the document is not valid; nothing was changed",
      e.errors.map((x) => ({ path: x.field || "(body)", ...x })),
    );
  if (e instanceof DomainError) {
    const status = { CONFLICT: 409, INVALID: 400, NOT_FOUND: 404, PRECONDITION: 409 }[e.code];
    const details: FieldProblem[] | undefined = e.fieldErrors
      ? Object.entries(e.fieldErrors).flatMap(([path, messages]) => messages.map((message) => ({ path: path || "(body)", message })))
      : e.specErrors?.map((x) => ({ path: x.field || "(body)", ...x }));
    return apiError(status, e.code, e.message, details);
  }
  console.error("[api]", e);
  return apiError(500, "INTERNAL", "internal error; nothing was changed");
}

export class ApiInputError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public details?: unknown,
    public headers?: HeadersInit,
  ) {
    super(message);
  }
}

/**
 * Read a JSON body with a size limit (lib/http/body.ts: at most `maxBytes` are read, declared or
 * chunked) and validate it; throws ApiInputError (400/413). Call it after authentication — withApi
 * has done that before the handler runs.
 */
export async function readJson<S extends z.ZodType>(req: NextRequest, schema: S, maxBytes = 1_000_000): Promise<z.output<S>> {
  const body = await readBodyText(req.body, maxBytes, req.headers.get("content-length"));
  if (!body.ok) throw new ApiInputError(413, "PAYLOAD_TOO_LARGE", body.message, undefined, BODY_REFUSED_HEADERS);
  const text = body.text;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ApiInputError(400, "INVALID_JSON", "the body is not valid JSON", [{ path: "(body)", message: (e as Error).message }]);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ApiInputError(400, "INVALID", "the body is not valid; nothing was changed", issueDetails(parsed.error));
  return parsed.data;
}

/** Validate the query string (withApi has already refused control characters in it); throws a 400 naming each bad parameter. */
export function readQuery<S extends z.ZodType>(req: NextRequest, schema: S, message = "invalid query"): z.output<S> {
  const q = schema.safeParse(Object.fromEntries(req.nextUrl.searchParams));
  if (!q.success) throw new ApiInputError(400, "INVALID", message, issueDetails(q.error));
  return q.data;
}

/** Weak ETag handling for polled read APIs. */
export function etagMatches(req: NextRequest, etag: string): boolean {
  const inm = req.headers.get("if-none-match");
  if (!inm) return false;
  return (
    inm
      .split(",")
      .map((s) => s.trim().replace(/^W\//, ""))
      .includes(etag.replace(/^W\//, "")) || inm.trim() === "*"
  );
}
