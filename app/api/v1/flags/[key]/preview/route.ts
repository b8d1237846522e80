import { NextResponse } from "next/server";
import { apiError, readQuery, withApi } from "@/lib/api/server/http";
import { flagPreviewQuery } from "@/lib/flags/api-spec";
import { flagPreview } from "@/lib/flags/server/queries";

export const GET = withApi<{ key: string }>({ scope: "flags:read", allowSession: true }, async (req, { params }) => {
  const query = readQuery(req, flagPreviewQuery, "the query is not valid");
  const preview = await flagPreview(params.key, query.customer, new Date());
  if (!preview) return apiError(404, "NOT_FOUND", `no flag "${params.key}"`);
  return NextResponse.json(preview, { headers: { "Cache-Control": "no-store" } });
});
