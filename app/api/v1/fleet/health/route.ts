import { NextResponse } from "next/server";
import { withApi } from "@/lib/api/server/http";
import { pool } from "@/lib/db";
import { currentThresholds } from "@/lib/health/server/thresholds-cache";
import { loadFleetHealth } from "@/lib/health/server/store";

export const dynamic = "force-dynamic";

export const GET = withApi({ scope: "fleet:read", allowSession: true }, async () => {
  const data = await loadFleetHealth(pool(), await currentThresholds(), new Date());
  return NextResponse.json(data, { headers: { "Cache-Control": "no-store" } });
});
