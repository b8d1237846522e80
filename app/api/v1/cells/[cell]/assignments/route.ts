import { NextResponse } from "next/server";
import { apiError, withApi } from "@/lib/api/server/http";
import { cellAssignments } from "@/lib/schema-migrations/server/queries";

export const dynamic = "force-dynamic";

/** What the cell's migration tooling should run now (agent mode). */
export const GET = withApi<{ cell: string }>({ scope: "migrations:agent", cellParam: "cell" }, async (_req, { params }) => {
  const a = await cellAssignments(params.cell);
  if (!a) return apiError(404, "NOT_FOUND", `unknown cell ${params.cell}`);
  return NextResponse.json(a, { headers: { "Cache-Control": "no-cache" } });
});
