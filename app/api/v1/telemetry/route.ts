// POST /api/v1/telemetry through Next.js. The app server (scripts/serve.ts) answers this endpoint
// on its direct path before Next.js routing; both call postTelemetry, so they behave the same.
import type { NextRequest } from "next/server";
import { NextResponse } from "next/server";
import { errorResponse } from "@/lib/api/server/http";
import { tokenVerifier } from "@/lib/auth/server/tokens";
import { telemetryPool } from "@/lib/db";
import { currentThresholds } from "@/lib/health/server/thresholds-cache";
import { postTelemetry } from "@/lib/health/server/telemetry-http";

export async function POST(req: NextRequest) {
  try {
    const out = await postTelemetry(
      { pool: telemetryPool(), tokens: tokenVerifier(), thresholds: currentThresholds },
      {
        authorization: req.headers.get("authorization"),
        apiKey: req.headers.get("x-api-key"),
        contentLength: req.headers.get("content-length"),
        body: req.body,
      },
    );
    return NextResponse.json(out.body, { status: out.status, headers: out.headers });
  } catch (e) {
    return errorResponse(e);
  }
}
