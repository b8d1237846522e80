import { NextResponse } from "next/server";
import { apiError, withApi } from "@/lib/api/server/http";
import { flagCells } from "@/lib/flags/server/queries";

export const dynamic = "force-dynamic";

export const GET = withApi<{ key: string }>({ scope: "flags:read", allowSession: true }, async (_req, { params }) => {
  const cells = await flagCells(params.key, new Date());
  if (!cells) return apiError(404, "NOT_FOUND", `no flag "${params.key}"`);
  return NextResponse.json(cells, { headers: { "Cache-Control": "no-store" } });
});
