import { NextResponse } from "next/server";
import { apiError, withApi } from "@/lib/api/server/http";
import { toReleaseView } from "@/lib/rollouts/api";
import { releaseRow } from "@/lib/rollouts/server/queries";

export const dynamic = "force-dynamic";

/** Following a release needs `releases:read`; a token with `releases:write` (the CI that started it) may too. */
export const GET = withApi<{ id: string }>({ scope: ["releases:read", "releases:write"], allowSession: true }, async (_req, { params }) => {
  const r = await releaseRow(params.id);
  if (!r) return apiError(404, "NOT_FOUND", `no release ${params.id}`);
  return NextResponse.json(toReleaseView(r), { headers: { "Cache-Control": "no-store" } });
});
