// POST /api/v1/telemetry through Next.js. The app server (scripts/serve.ts) answers this endpoint
// on its direct path before Next.js routing; both call postTelemetry, so they behave the same.
import type { NextRequest } from "next/server";
import { NextResponse } from "next/server";
import { errorResponse } from "@/lib/api/server/http";
import { createTokenVerifier } from "@/lib/auth/server/tokens";
import { telemetryPool } from "@/lib/db";
import { currentThresholds } from "@/lib/health/server/thresholds-cache";
import { postTelemetry } from "@/lib/health/server/telemetry-http";

let tokens: ReturnType<typeof createTokenVerifier> | undefined;

export async function POST(req: NextRequest) {
  tokens ??= createTokenVerifier(telemetryPool());
  try {
    const out = await postTelemetry(
      { pool: telemetryPool(), tokens, thresholds: currentThresholds },
      {
        authorization: req.headers.get("authorization"),
        contentLength: req.headers.get("content-length"),
        body: async (limit) => {
          const text = await req.text();
          return Buffer.byteLength(text) > limit ? null : text;
        },
      },
    );
    return NextResponse.json(out.body, { status: out.status, headers: out.headers });
  } catch (e) {
    return errorResponse(e);
  }
}
