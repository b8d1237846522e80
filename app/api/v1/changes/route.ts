import { NextResponse } from "next/server";
import { ApiInputError, withApi } from "@/lib/api/server/http";
import { toChangeView } from "@/lib/changes/api-spec";
import { changeQuerySchema, fromSearchParams, toFilter } from "@/lib/changes/model";
import { listChanges } from "@/lib/changes/server/queries";

export const dynamic = "force-dynamic";

export const GET = withApi({ scope: "fleet:read", allowSession: true }, async (req) => {
  const parsed = changeQuerySchema.safeParse(fromSearchParams(req.nextUrl.searchParams));
  if (!parsed.success)
    throw new ApiInputError(
      400,
      "INVALID",
      "the query is not valid",
      parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    );
  const page = await listChanges(toFilter(parsed.data));
  return NextResponse.json(
    { changes: page.changes.map(toChangeView), nextCursor: page.nextCursor },
    { headers: { "Cache-Control": "no-store" } },
  );
});
