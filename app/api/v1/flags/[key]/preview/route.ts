import { NextResponse } from "next/server";
import { apiError, ApiInputError, withApi } from "@/lib/api/server/http";
import { flagPreviewQuery } from "@/lib/flags/api-spec";
import { flagPreview } from "@/lib/flags/server/queries";

export const GET = withApi<{ key: string }>({ scope: "flags:read", allowSession: true }, async (req, { params }) => {
  const q = flagPreviewQuery.safeParse(Object.fromEntries(req.nextUrl.searchParams));
  if (!q.success) {
    throw new ApiInputError(
      400,
      "INVALID",
      "the query is not valid",
      q.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    );
  }
  const preview = await flagPreview(params.key, q.data.customer, new Date());
  if (!preview) return apiError(404, "NOT_FOUND", `no flag "${params.key}"`);
  return NextResponse.json(preview, { headers: { "Cache-Control": "no-store" } });
});
