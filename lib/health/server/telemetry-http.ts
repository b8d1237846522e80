// POST /api/v1/telemetry, independent of the HTTP framework: the Next.js route and the app
// server's direct path for this endpoint (scripts/serve.ts, through serveTelemetry below) both call
// postTelemetry, so both behave the same.
//
// Order: bearer token with scope telemetry:write, from the headers (401/403; the body is not read)
// → body, at most 2 MB read (413 at the limit) → JSON (400) → zod validation of every sample (400
// naming index and field; 413 over 5,000 samples) → cell binding of the token (403 naming the
// cells) → one statement that stores the batch, re-checks the token and the registry, and refuses
// unknown targets (422). A saturated telemetry pool answers 503 + Retry-After. With `deps.state`
// (the direct path) the current state of known pairs is written behind the samples (state-buffer.ts).
import type http from "node:http";
import type pg from "pg";
import { cellsRefused } from "@/lib/auth/bearer";
import type { TokenVerifier } from "@/lib/auth/server/tokens";
import { BUSY_RETRY_AFTER_S, isPoolBusy } from "@/lib/errors";
import { BODY_REFUSED_HEADERS, type NodeBody, readBodyText } from "@/lib/http/body";
import { type IngestOutcome, ingestSamples, TokenRevokedError, UnknownTargetsError } from "./ingest";
import { appMetrics } from "@/lib/metrics/server/registry";
import type { CurrentStateBuffer } from "./state-buffer";
import { MAX_BYTES, validateBatch } from "../telemetry";
import type { Thresholds } from "../thresholds";

export const TELEMETRY_SCOPE = "telemetry:write";

export interface TelemetryRequest {
  authorization: string | null;
  apiKey?: string | null;
  /** The declared Content-Length, if any. */
  contentLength: string | null;
  /** The body (a Web stream, or the Node.js request), read only once the token is accepted, and then at most MAX_BYTES of it. */
  body: ReadableStream<Uint8Array> | NodeBody | null;
}

export interface TelemetryResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface TelemetryDeps {
  pool: Pick<pg.Pool, "query">;
  tokens: TokenVerifier;
  thresholds: () => Promise<Thresholds>;
  now?: () => Date;
  /**
   * Current state written behind the samples (the app server's direct path, scripts/serve.ts):
   * readable within the buffer's interval. Without it, within the batch's own statement.
   */
  state?: CurrentStateBuffer;
}

const error = (status: number, code: string, message: string, details?: unknown, headers?: Record<string, string>): TelemetryResponse => ({
  status,
  body: { error: { code, message, ...(details === undefined ? {} : { details }) } },
  headers,
});

export async function postTelemetry(deps: TelemetryDeps, req: TelemetryRequest): Promise<TelemetryResponse> {
  const m = appMetrics();
  const done = m.ingestBatchSeconds.startTimer();
  const out = await answerTelemetry(deps, req);
  done();
  m.ingestBatches.inc({ status: String(out.status) });
  if (out.status === 200) m.ingestSamples.inc((out.body as IngestOutcome).stored);
  return out;
}

async function answerTelemetry(deps: TelemetryDeps, req: TelemetryRequest): Promise<TelemetryResponse> {
  try {
    return await post(deps, req);
  } catch (e) {
    if (isPoolBusy(e)) {
      return error(503, "BUSY", "Cellplane is busy; nothing was stored. Retry in a moment.", undefined, {
        "Retry-After": String(BUSY_RETRY_AFTER_S),
      });
    }
    throw e;
  }
}

async function post(deps: TelemetryDeps, req: TelemetryRequest): Promise<TelemetryResponse> {
  const auth = await deps.tokens.verify(req.authorization, TELEMETRY_SCOPE, { apiKey: req.apiKey });
  if (!auth.ok) {
    return error(auth.status, auth.status === 401 ? "UNAUTHENTICATED" : "FORBIDDEN", auth.error, undefined, {
      ...(auth.status === 401 ? { "WWW-Authenticate": `Bearer scope="${TELEMETRY_SCOPE}"` } : {}),
      ...BODY_REFUSED_HEADERS,
    });
  }
  const read = await readBodyText(req.body, MAX_BYTES, req.contentLength);
  if (!read.ok) return error(413, "PAYLOAD_TOO_LARGE", read.message, undefined, { ...BODY_REFUSED_HEADERS });
  let body: unknown;
  try {
    body = JSON.parse(read.text);
  } catch (e) {
    return error(400, "INVALID_JSON", "the body is not valid JSON; nothing was stored", [
      { index: -1, field: "(body)", message: (e as Error).message },
    ]);
  }
  const batch = validateBatch(body, deps.now?.() ?? new Date());
  if (!batch.ok) {
    return error(
      batch.status,
      batch.status === 413 ? "PAYLOAD_TOO_LARGE" : "INVALID",
      batch.message,
      batch.errors.length ? batch.errors : undefined,
    );
  }
  const refused = cellsRefused(
    auth,
    (function* () {
      for (const s of batch.samples) yield s.cell;
    })(),
  );
  if (refused) return error(403, "FORBIDDEN", `${refused.message}; nothing was stored`, { cells: refused.cells });
  try {
    const out = await ingestSamples(deps.pool, batch.samples, await deps.thresholds(), {
      source: `token:${auth.name}`,
      token: { hash: auth.hash, scope: TELEMETRY_SCOPE },
      state: deps.state,
    });
    return { status: 200, body: out };
  } catch (e) {
    if (e instanceof UnknownTargetsError) {
      return error(422, "UNKNOWN_TARGETS", "unknown cells or services; nothing was stored", {
        cells: e.cells,
        services: e.services,
        pairs: e.pairs,
      });
    }
    if (e instanceof TokenRevokedError) {
      return error(401, "UNAUTHENTICATED", "unknown, revoked or expired token; nothing was stored", undefined, {
        "WWW-Authenticate": `Bearer scope="${TELEMETRY_SCOPE}"`,
      });
    }
    throw e;
  }
}

/**
 * The direct path: answer POST /api/v1/telemetry on a plain Node.js request. The body is read only
 * once the token is accepted; a refusal given before the body was read to its end closes the
 * connection, so the rest is never read.
 */
export async function serveTelemetry(
  deps: TelemetryDeps,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  baseHeaders: Record<string, string> = {},
): Promise<void> {
  let out: TelemetryResponse;
  try {
    out = await postTelemetry(deps, {
      authorization: req.headers.authorization ?? null,
      apiKey: typeof req.headers["x-api-key"] === "string" ? req.headers["x-api-key"] : null,
      contentLength: req.headers["content-length"] ?? null,
      body: req,
    });
  } catch (e) {
    console.error("[api] POST /api/v1/telemetry", e);
    out = error(500, "INTERNAL", "internal error; nothing was changed");
  }
  const close = !req.readableEnded;
  const body = JSON.stringify(out.body);
  res.writeHead(out.status, {
    ...baseHeaders,
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-store",
    ...out.headers,
    "Content-Length": Buffer.byteLength(body),
    ...(close ? BODY_REFUSED_HEADERS : {}),
  });
  // Refused before or while reading the body: the connection closes after this answer and the
  // rest is never read (the app server closes it gently, lib/http/server/linger.ts).
  res.end(body);
}
