// The OpenFeature Remote Evaluation Protocol (OFREP) for Cellplane flags, as plain functions of a
// standard `Request` (no framework): the Next route handlers and the integration tests' HTTP server
// both call these. Shapes follow the protocol's service/openapi.yaml (open-feature/protocol):
//
//   POST /ofrep/v1/evaluate/flags/{key}   body { context: { targetingKey, … } }
//     200 { key, value, reason, variant, metadata }
//     400 { key, errorCode: PARSE_ERROR | TARGETING_KEY_MISSING | INVALID_CONTEXT | GENERAL, errorDetails }
//     404 { key, errorCode: FLAG_NOT_FOUND, errorDetails }
//   POST /ofrep/v1/evaluate/flags         body { context: { targetingKey, … } }, If-None-Match
//     200 { flags: [ evaluationSuccess | evaluationFailure ] } with ETag;  304 when the ETag matches
//     400 { errorCode, errorDetails }
//   401 without a token, 403 when the token lacks `flags:read` (no body defined by the protocol);
//   500 { errorDetails }.
//
// Tokens come as `Authorization: Bearer …` or `X-API-Key: …` (the protocol's two schemes).
// The customer's home cell (tier, cell, region) comes from the registry and overrides any such
// attributes in the context; for customers unknown to Cellplane the context's own are used.
// A flag's code prerequisites are checked against what the home cell runs (the registry's observed
// versions): reason PREREQUISITE_FAILED (a custom reason, as OpenFeature allows) when it does not
// run them yet — and for customers Cellplane does not know, whose cell cannot be checked.
import murmurhash3 from "murmurhash3js";
import { sha256 } from "@/lib/auth/bearer";
import { evaluate, type Evaluation, type EvaluationContext } from "./evaluate";
import type { FlagSnapshot, FlagSource, HomeCell, TokenRow } from "./snapshot";

export interface OfrepDeps {
  source: FlagSource;
  now: () => Date;
}

const SCOPE = "flags:read";
const MAX_BODY = 64 * 1024;
const JSON_HEADERS = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" };

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });

/** The token from either OFREP security scheme (`Authorization: Bearer …` or `X-API-Key: …`). */
function tokenOf(req: Request): string | null {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "")?.[1];
  return bearer ?? (req.headers.get("x-api-key")?.trim() || null);
}

/** 401 without a known, unrevoked token; 403 when it lacks flags:read (the same rules as checkToken). */
function denied(token: TokenRow | null): Response | null {
  if (token && !token.revoked && token.scopes.includes(SCOPE)) return null;
  const status = token && !token.revoked ? 403 : 401;
  return new Response(null, {
    status,
    headers: status === 401 ? { "WWW-Authenticate": `Bearer realm="cellplane", scope="${SCOPE}"` } : {},
  });
}

/** Check the token and read the flags in one round trip; a request without a token never reaches the database. */
async function readFor(req: Request, deps: OfrepDeps, customerId: string | null) {
  const token = tokenOf(req);
  if (!token) return { denied: denied(null) };
  const reading = await deps.source.read(customerId, sha256(token));
  return { denied: denied(reading.token), reading };
}

type ParsedRequest =
  | { ok: true; context: EvaluationContext }
  | { ok: false; errorCode: "PARSE_ERROR" | "INVALID_CONTEXT"; errorDetails: string };

async function readRequest(req: Request): Promise<ParsedRequest> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY)
    return { ok: false, errorCode: "PARSE_ERROR", errorDetails: `the request body is larger than ${MAX_BODY} bytes` };
  const text = await req.text();
  if (text.length > MAX_BODY)
    return { ok: false, errorCode: "PARSE_ERROR", errorDetails: `the request body is larger than ${MAX_BODY} bytes` };
  if (text.trim() === "") return { ok: true, context: {} };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, errorCode: "PARSE_ERROR", errorDetails: "the request body is not valid JSON" };
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    return { ok: false, errorCode: "PARSE_ERROR", errorDetails: "the request body must be a JSON object { context: { targetingKey, … } }" };
  }
  const context = (body as { context?: unknown }).context;
  if (context === undefined || context === null) return { ok: true, context: {} };
  if (typeof context !== "object" || Array.isArray(context)) {
    return { ok: false, errorCode: "INVALID_CONTEXT", errorDetails: 'context must be an object such as { targetingKey: "customer-id" }' };
  }
  const tk = (context as EvaluationContext).targetingKey;
  if (tk !== undefined && tk !== null && typeof tk !== "string") {
    return { ok: false, errorCode: "INVALID_CONTEXT", errorDetails: "context.targetingKey must be a string (the customer id)" };
  }
  return { ok: true, context: context as EvaluationContext };
}

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
  console.error("[ofrep]", e);
  return json(500, { errorDetails: "internal error" });
}

/** POST /ofrep/v1/evaluate/flags/{key} */
export async function handleEvaluateFlag(req: Request, key: string, deps: OfrepDeps): Promise<Response> {
  try {
    const parsed = await readRequest(req);
    const r = await readFor(req, deps, parsed.ok ? targetingKeyOf(parsed.context) : null);
    if (r.denied) return r.denied;
    if (!parsed.ok) return json(400, { key, errorCode: parsed.errorCode, errorDetails: parsed.errorDetails });
    const { snapshot, home } = r.reading!;
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
    const parsed = await readRequest(req);
    const customer = parsed.ok ? targetingKeyOf(parsed.context) : null;
    const r = await readFor(req, deps, customer);
    if (r.denied) return r.denied;
    if (!parsed.ok) return json(400, { errorCode: parsed.errorCode, errorDetails: parsed.errorDetails });
    if (!customer) {
      return json(400, {
        errorCode: "TARGETING_KEY_MISSING",
        errorDetails: "Cellplane flags are evaluated per customer: send the customer id as context.targetingKey",
      });
    }
    const now = deps.now();
    const { snapshot, home } = r.reading!;
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
