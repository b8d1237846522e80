import { NextResponse } from "next/server";
import { readQuery, withApi } from "@/lib/api/server/http";
import { resolveQuery } from "@/lib/gateway/api-spec";
import { UNREADY_CELL_ANSWER } from "@/lib/gateway/config-yaml";
import { resolveRoute } from "@/lib/gateway/server/queries";

export const dynamic = "force-dynamic";

/** A dry run of the edge: the answer mirrors the edge's status and the headers it would add. */
export const GET = withApi({ scope: "gateway:read", allowSession: true }, async (req) => {
  const query = readQuery(req, resolveQuery);
  const answer = await resolveRoute(query, new Date());
  const headers: Record<string, string> = { "Cache-Control": "no-store", "X-Gateway-Config-Version": String(answer.configVersion) };
  for (const [k, v] of Object.entries(answer.headers)) if (v) headers[k] = v;
  if (answer.allow) headers.Allow = answer.allow.join(", ");
  if (answer.status === 503) headers["Retry-After"] = String(UNREADY_CELL_ANSWER.retry_after_seconds);
  return NextResponse.json(answer, { status: answer.status, headers });
});
