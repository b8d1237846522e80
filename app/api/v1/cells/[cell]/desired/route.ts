import { createHash } from "node:crypto";
import { NextResponse } from "next/server";
import { apiError, etagMatches, withApi } from "@/lib/api/server/http";
import { desiredVersions } from "@/lib/fleet/server/queries";

export const dynamic = "force-dynamic";

/** The versions a cell should run, for its deploy agent (pull). Poll with If-None-Match. */
export const GET = withApi<{ cell: string }>({ scope: "cells:agent", cellParam: "cell" }, async (req, { params }) => {
  const cell = await desiredVersions(params.cell);
  if (!cell) return apiError(404, "NOT_FOUND", `unknown cell ${params.cell}`);
  const body = {
    cell: cell.id,
    status: cell.status,
    services: Object.fromEntries(cell.services.map((s) => [s.serviceId, s.desiredVersion])),
  };
  const etag = `"${createHash("sha256").update(JSON.stringify(body)).digest("base64url").slice(0, 22)}"`;
  if (etagMatches(req, etag)) return new NextResponse(null, { status: 304, headers: { ETag: etag } });
  return NextResponse.json(body, { headers: { ETag: etag, "Cache-Control": "no-cache" } });
});
