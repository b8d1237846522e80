// The OpenFeature Remote Evaluation Protocol (OFREP) for Cellplane flags, as plain functions of a
// standard `Request` (no framework): the Next route handlers and the integration tests' HTTP server
// both call these. Shapes follow the protocol's service/openapi.yaml (open-feature/protocol):
//
//   POST /ofrep/v1/evaluate/flags/{key}   body { context: { targetingKey, … } }
//     200 { key, value, reason, variant, metadata }
//     400 { key, errorCode: PARSE_ERROR | TARGETING_KEY_MISSING | INVALID_CONTEXT | GENERAL, errorDetails }
//     413 { key, errorCode: PARSE_ERROR, errorDetails } for a body over 64 KiB
//     404 { key, errorCode: FLAG_NOT_FOUND, errorDetails }
//   POST /ofrep/v1/evaluate/flags         body { context: { targetingKey, … } }, If-None-Match
//     200 { flags: [ evaluationSuccess | evaluationFailure ] } with ETag;  304 when the ETag matches
//     400 { errorCode, errorDetails }
//   401 without a token, 403 when the token lacks `flags:read` (no body defined by the protocol);
//   503 { errorDetails } with Retry-After when the database is saturated; 500 { errorDetails }.
//
// Order: the token first, from the headers (`Authorization: Bearer …` or `X-API-Key: …`, the
// protocol's two schemes), through the one token check (deps.tokens, lib/auth/server/tokens.ts) —
// no body is read without one; then the body, at most 64 KiB (lib/http/body.ts); then the context
// is validated (INVALID_CONTEXT: control characters, a targeting key over 256 characters) before
// anything reaches the database.
// The customer's home cell (tier, cell, region) comes from the registry and overrides any such
// attributes in the context; for customers unknown to Cellplane the context's own are used.
// A flag's code prerequisites are checked against what the home cell runs (the registry's observed
// versions): reason PREREQUISITE_FAILED (a custom reason, as OpenFeature allows) when it does not
// run them yet — and for customers Cellplane does not know, whose cell cannot be checked.
import murmurhash3 from "murmurhash3js";
import { credentialOf, type Credential, type TokenCheck } from "@/lib/auth/bearer";
import { BUSY_RETRY_AFTER_S, isPoolBusy } from "@/lib/errors";
import { BODY_REFUSED_HEADERS, readBodyText } from "@/lib/http/body";
import { evaluate, type Evaluation, type EvaluationContext } from "./evaluate";
import type { FlagSnapshot, FlagSource, HomeCell } from "./snapshot";

export interface OfrepDeps {
  source: FlagSource;
  /** The one token check (lib/auth/server/tokens.ts). */
  tokens: { check(credential: Credential, scope: string): Promise<TokenCheck> };
  now: () => Date;
}

const SCOPE = "flags:read";
export const MAX_BODY = 64 * 1024;
/** The longest targeting key (customer id) accepted; longer ones are INVALID_CONTEXT. */
export const MAX_TARGETING_KEY = 256;
const JSON_HEADERS = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" };

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });

/** 401 without a known, unrevoked, unexpired token; 403 when it lacks flags:read. The body is left unread. */
async function authenticate(req: Request, deps: OfrepDeps): Promise<Response | null> {
  const check = await deps.tokens.check(credentialOf(req.headers.get("authorization"), req.headers.get("x-api-key")), SCOPE);
  if (check.ok) return null;
  return new Response(null, {
    status: check.status,
    headers: {
      ...(check.status === 401 ? { "WWW-Authenticate": `Bearer realm="cellplane", scope="${SCOPE}"` } : {}),
      ...BODY_REFUSED_HEADERS,
    },
  });
}

type ParsedRequest =
  | { ok: true; context: EvaluationContext }
  | { ok: false; status: 400 | 413; errorCode: "PARSE_ERROR" | "INVALID_CONTEXT"; errorDetails: string };

/** The first C0 or C1 control character of `s` (NUL included) as U+XXXX: they belong in no customer id or attribute. */
function controlChar(s: string): string | null {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return `U+${c.toString(16).toUpperCase().padStart(4, "0")}`;
  }
  return null;
}

/** Why a context cannot be evaluated (before any of it reaches the database), or null. */
export function invalidContext(context: EvaluationContext): string | null {
  const tk = context.targetingKey;
  if (tk !== undefined && tk !== null && typeof tk !== "string") return "context.targetingKey must be a string (the customer id)";
  if (typeof tk === "string" && tk.length > MAX_TARGETING_KEY) return `context.targetingKey is longer than ${MAX_TARGETING_KEY} characters`;
  for (const [k, v] of Object.entries(context)) {
    if (controlChar(k)) return "a context attribute name contains a control character";
    const c = typeof v === "string" ? controlChar(v) : null;
    if (c) return `context.${k} contains a control character (${c})`;
  }
  return null;
}

async function readRequest(req: Request): Promise<ParsedRequest> {
  const read = await readBodyText(req.body, MAX_BODY, req.headers.get("content-length"));
  if (!read.ok)
    return { ok: false, status: 413, errorCode: "PARSE_ERROR", errorDetails: `the request body is larger than ${MAX_BODY} bytes` };
  const text = read.text;
  if (text.trim() === "") return { ok: true, context: {} };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, status: 400, errorCode: "PARSE_ERROR", errorDetails: "the request body is not valid JSON" };
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    return {
      ok: false,
      status: 400,
      errorCode: "PARSE_ERROR",
      errorDetails: "the request body must be a JSON object { context: { targetingKey, … } }",
    };
  }
  const context = (body as { context?: unknown }).context;
  if (context === undefined || context === null) return { ok: true, context: {} };
  if (typeof context !== "object" || Array.isArray(context)) {
    return {
      ok: false,
      status: 400,
      errorCode: "INVALID_CONTEXT",
      errorDetails: 'context must be an object such as { targetingKey: "customer-id" }',
    };
  }
  const invalid = invalidContext(context as EvaluationContext);
  if (invalid) return { ok: false, status: 400, errorCode: "INVALID_CONTEXT", errorDetails: invalid };
  return { ok: true, context: context as EvaluationContext };
}

const refused = (p: Extract<ParsedRequest, { ok: false }>, key?: string) =>
  json(
    p.status,
    { ...(key === undefined ? {} : { key }), errorCode: p.errorCode, errorDetails: p.errorDetails },
    p.status === 413 ? BODY_REFUSED_HEADERS : {},
  );

const targetingKeyOf = (ctx: EvaluationContext) =>
  typeof ctx.targetingKey === "string" && ctx.targetingKey !== "" ? ctx.targetingKey : null;

const withHome = (ctx: EvaluationContext, home: HomeCell | null): EvaluationContext =>
  home ? { ...ctx, tier: home.tier, cell: home.cell, region: home.region } : ctx;

function success(key: string, e: Evaluation) {
  return { key, value: e.value, reason: e.reason, ...(e.variant ? { variant: e.variant } : {}), metadata: e.flagMetadata };
}

function failure(key: string, e: Evaluation) {
  return { key, errorCode: e.errorCode ?? "GENERAL", errorDetails: e.errorMessage ?? "evaluation failed" };
}

function internalError(e: unknown): Response {
  if (isPoolBusy(e)) {
    return json(503, { errorDetails: "Cellplane is busy; retry in a moment" }, { "Retry-After": String(BUSY_RETRY_AFTER_S) });
  }
  console.error("[ofrep]", e);
  return json(500, { errorDetails: "internal error" });
}

/** POST /ofrep/v1/evaluate/flags/{key} */
export async function handleEvaluateFlag(req: Request, key: string, deps: OfrepDeps): Promise<Response> {
  try {
    const denied = await authenticate(req, deps);
    if (denied) return denied;
    const parsed = await readRequest(req);
    if (!parsed.ok) return refused(parsed, key);
    const { snapshot, home } = await deps.source.read(targetingKeyOf(parsed.context));
    const flag = snapshot.flags.get(key);
    if (!flag) return json(404, { key, errorCode: "FLAG_NOT_FOUND", errorDetails: `no flag "${key}"` });
    const e = evaluate(flag, withHome(parsed.context, home), deps.now(), home?.versions ?? null);
    return e.errorCode ? json(400, failure(key, e)) : json(200, success(key, e));
  } catch (e) {
    return internalError(e);
  }
}

/** How many schedule steps (of any flag) have passed: evaluations can only change when this does. */
function passedSteps(snapshot: FlagSnapshot, now: Date): number {
  const t = now.getTime(),
    times = snapshot.stepTimes;
  let lo = 0,
    hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Canonical JSON (sorted keys) so the same context always gives the same ETag. */
function canonical(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  return `{${Object.keys(v)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
    .join(",")}}`;
}

/**
 * The bulk ETag: a hash of the configuration fingerprint, how many scheduled steps have passed,
 * the customer's home cell (and what it runs) and the context. Same inputs, same evaluations.
 */
export function bulkEtag(snapshot: FlagSnapshot, now: Date, home: HomeCell | null, context: EvaluationContext): string {
  const input = `${snapshot.fingerprint}|${passedSteps(snapshot, now)}|${home ? `${home.cell},${home.tier},${home.region},${canonical(home.versions ?? {})}` : "-"}|${canonical(context)}`;
  return `"${murmurhash3.x86.hash128(input, 0)}"`;
}

function etagMatches(header: string | null, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}

/** POST /ofrep/v1/evaluate/flags */
export async function handleEvaluateFlags(req: Request, deps: OfrepDeps): Promise<Response> {
  try {
    const denied = await authenticate(req, deps);
    if (denied) return denied;
    const parsed = await readRequest(req);
    if (!parsed.ok) return refused(parsed);
    const customer = targetingKeyOf(parsed.context);
    if (!customer) {
      return json(400, {
        errorCode: "TARGETING_KEY_MISSING",
        errorDetails: "Cellplane flags are evaluated per customer: send the customer id as context.targetingKey",
      });
    }
    const now = deps.now();
    const { snapshot, home } = await deps.source.read(customer);
    const etag = bulkEtag(snapshot, now, home, parsed.context);
    if (etagMatches(req.headers.get("if-none-match"), etag)) {
      return new Response(null, { status: 304, headers: { ETag: etag, "Cache-Control": "no-cache" } });
    }
    const ctx = withHome(parsed.context, home);
    const flags = [...snapshot.flags.values()].map((flag) => {
      const e = evaluate(flag, ctx, now, home?.versions ?? null);
      return e.errorCode ? failure(flag.key, e) : success(flag.key, e);
    });
    return json(200, { flags }, { ETag: etag, "Cache-Control": "no-cache" });
  } catch (e) {
    return internalError(e);
  }
}
