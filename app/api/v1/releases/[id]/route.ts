import { type NextRequest, NextResponse } from "next/server";
import { apiError, withApi } from "@/lib/api/server/http";
import { toReleaseView } from "@/lib/rollouts/api";
import { releaseRow } from "@/lib/rollouts/server/queries";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ id: string }> };

const handler = (scope: "releases:read" | "releases:write") =>
  withApi<{ id: string }>({ scope, allowSession: true }, async (_req, { params }) => {
    const r = await releaseRow(params.id);
    if (!r) return apiError(404, "NOT_FOUND", `no release ${params.id}`);
    return NextResponse.json(toReleaseView(r), { headers: { "Cache-Control": "no-store" } });
  });
const read = handler("releases:read");
const write = handler("releases:write");

/** Following a release needs `releases:read`; a token with `releases:write` (the CI that started it) may too. */
export async function GET(req: NextRequest, ctx: Ctx): Promise<Response> {
  const res = await read(req, ctx);
  if (res.status !== 403) return res;
  const again = await write(req, ctx);
  return again.status === 403 ? res : again;
}
