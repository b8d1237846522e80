import "server-only";
// The door for HTTP APIs: bearer-token (or session) authentication with a named scope, zod
// validation with specific 4xx errors, and JSON error bodies of one shape:
//   { error: { code, message, details? } }
import { NextResponse, type NextRequest } from "next/server";
import type { z } from "zod";
import { db } from "@/lib/db";
import { checkToken } from "@/lib/auth/server/users";
import type { Principal, TokenScope } from "@/lib/auth/roles";
import { currentUser } from "@/lib/auth/server/session";
import { DomainError } from "@/lib/errors";
import { SpecValidationError } from "@/lib/yaml-errors";

export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export function apiError(status: number, code: string, message: string, details?: unknown, headers?: HeadersInit) {
  return NextResponse.json<ApiErrorBody>({ error: { code, message, ...(details === undefined ? {} : { details }) } }, { status, headers });
}

/** Who is calling: a token (machine) or a signed-in user (browser). */
export type Caller = { kind: "token"; name: string; scopes: string[] } | { kind: "user"; user: Principal };

export const callerName = (c: Caller) => (c.kind === "token" ? `token:${c.name}` : c.user.email);

interface Options {
  scope: TokenScope;
  /** Also accept a browser session (e.g. read APIs the dashboard uses); by default tokens only. */
  allowSession?: boolean;
}

type Handler<C> = (req: NextRequest, ctx: { caller: Caller; params: C }) => Promise<Response>;

/** Wrap a route handler: authenticate, then run; domain errors become 4xx, the rest a 500. */
export function withApi<C = Record<string, string>>(opts: Options, handler: Handler<C>) {
  return async (req: NextRequest, routeCtx: { params: Promise<C> }): Promise<Response> => {
    let caller: Caller | undefined;
    const auth = req.headers.get("authorization");
    if (auth || !opts.allowSession) {
      const check = await checkToken(db(), auth, opts.scope);
      if (!check.ok) {
        return apiError(
          check.status,
          check.status === 401 ? "UNAUTHENTICATED" : "FORBIDDEN",
          check.error,
          undefined,
          check.status === 401 ? { "WWW-Authenticate": `Bearer scope="${opts.scope}"` } : undefined,
        );
      }
      caller = { kind: "token", name: check.name, scopes: check.scopes };
    } else {
      const user = await currentUser();
      if (!user) return apiError(401, "UNAUTHENTICATED", `sign in or send a bearer token with scope ${opts.scope}`);
      caller = { kind: "user", user };
    }
    try {
      return await handler(req, { caller, params: await routeCtx.params });
    } catch (e) {
      return errorResponse(e);
    }
  };
}

export function errorResponse(e: unknown): Response {
  if (e instanceof ApiInputError) return apiError(e.status, e.code, e.message, e.details);
  if (e instanceof SpecValidationError) return apiError(400, "INVALID", "the document is not valid; nothing was changed", e.errors);
  if (e instanceof DomainError) {
    const status = { CONFLICT: 409, INVALID: 400, NOT_FOUND: 404, PRECONDITION: 409 }[e.code];
    return apiError(status, e.code, e.message, e.fieldErrors ?? e.specErrors);
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
  ) {
    super(message);
  }
}

/** Read a JSON body with a size limit and validate it; throws ApiInputError (400/413). */
export async function readJson<S extends z.ZodType>(req: NextRequest, schema: S, maxBytes = 1_000_000): Promise<z.output<S>> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > maxBytes) throw new ApiInputError(413, "PAYLOAD_TOO_LARGE", `body larger than ${maxBytes} bytes`);
  const text = await req.text();
  if (Buffer.byteLength(text) > maxBytes) throw new ApiInputError(413, "PAYLOAD_TOO_LARGE", `body larger than ${maxBytes} bytes`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ApiInputError(400, "INVALID_JSON", "the body is not valid JSON");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ApiInputError(
      400,
      "INVALID",
      "the body is not valid; nothing was changed",
      parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    );
  }
  return parsed.data;
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
