// POST /api/v1/telemetry, independent of the HTTP framework: the Next.js route and the app
// server's direct path for this endpoint (scripts/serve.ts) both call it, so both behave the same.
//
// Order: bearer token with scope telemetry:write (401/403) → body size (413) → JSON (400) → zod
// validation of every sample (400 naming index and field; 413 over 5,000 samples) → one statement
// that stores the batch, re-checks the token and the registry, and refuses unknown targets (422).
import type pg from "pg";
import type { TokenVerifier } from "@/lib/auth/server/tokens";
import { appMetrics } from "@/lib/metrics/server/registry";
import { type IngestOutcome, ingestSamples, TokenRevokedError, UnknownTargetsError } from "./ingest";
import { MAX_BYTES, validateBatch } from "../telemetry";
import type { Thresholds } from "../thresholds";

export const TELEMETRY_SCOPE = "telemetry:write";

export interface TelemetryRequest {
  authorization: string | null;
  /** The declared Content-Length, if any. */
  contentLength: string | null;
  /** The body as text, or null when it is larger than `limit` bytes (reading stops there). */
  body: (limit: number) => Promise<string | null>;
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
  const auth = await deps.tokens.verify(req.authorization, TELEMETRY_SCOPE);
  if (!auth.ok) {
    return error(
      auth.status,
      auth.status === 401 ? "UNAUTHENTICATED" : "FORBIDDEN",
      auth.error,
      undefined,
      auth.status === 401 ? { "WWW-Authenticate": `Bearer scope="${TELEMETRY_SCOPE}"` } : undefined,
    );
  }
  const tooLarge = () => error(413, "PAYLOAD_TOO_LARGE", `body larger than ${MAX_BYTES} bytes`);
  if (Number(req.contentLength ?? 0) > MAX_BYTES) return tooLarge();
  const text = await req.body(MAX_BYTES);
  if (text === null) return tooLarge();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return error(400, "INVALID_JSON", "the body is not valid JSON; nothing was stored");
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
  try {
    const out = await ingestSamples(deps.pool, batch.samples, await deps.thresholds(), {
      source: `token:${auth.name}`,
      token: { hash: auth.hash!, scope: TELEMETRY_SCOPE },
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
      return error(401, "UNAUTHENTICATED", "unknown or revoked token; nothing was stored", undefined, {
        "WWW-Authenticate": `Bearer scope="${TELEMETRY_SCOPE}"`,
      });
    }
    throw e;
  }
}
