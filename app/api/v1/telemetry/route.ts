import type { NextRequest } from "next/server";
import { NextResponse } from "next/server";
import { apiError, withApi } from "@/lib/api/http";
import { pool } from "@/lib/db";
import { currentThresholds } from "@/lib/health/service";
import { ingestSamples, UnknownTargetsError } from "@/lib/health/store";
import { MAX_BYTES, validateBatch } from "@/lib/health/telemetry";

export const POST = withApi({ scope: "telemetry:write" }, async (req: NextRequest, { caller }) => {
  if (Number(req.headers.get("content-length") ?? 0) > MAX_BYTES) return apiError(413, "PAYLOAD_TOO_LARGE", `body larger than ${MAX_BYTES} bytes`);
  const text = await req.text();
  if (Buffer.byteLength(text) > MAX_BYTES) return apiError(413, "PAYLOAD_TOO_LARGE", `body larger than ${MAX_BYTES} bytes`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return apiError(400, "INVALID_JSON", "the body is not valid JSON; nothing was stored");
  }
  const now = new Date();
  const batch = validateBatch(body, now);
  if (!batch.ok) {
    return apiError(batch.status, batch.status === 413 ? "PAYLOAD_TOO_LARGE" : "INVALID", batch.message, batch.errors.length ? batch.errors : undefined);
  }
  try {
    const out = await ingestSamples(pool(), batch.samples, await currentThresholds(), caller.kind === "token" ? `token:${caller.name}` : "telemetry");
    return NextResponse.json(out, { status: 200 });
  } catch (e) {
    if (e instanceof UnknownTargetsError) {
      return apiError(422, "UNKNOWN_TARGETS", "unknown cells or services; nothing was stored", { cells: e.cells, services: e.services, pairs: e.pairs });
    }
    throw e;
  }
});
