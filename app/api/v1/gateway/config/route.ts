import { NextResponse, type NextRequest } from "next/server";
import { etagMatches, readQuery, withApi } from "@/lib/api/server/http";
import { configQuery } from "@/lib/gateway/api-spec";
import { exportGatewayConfig, exportGatewayYaml } from "@/lib/gateway/config-yaml";
import { formatHttpDate } from "@/lib/gateway/headers";
import { gatewayConfig } from "@/lib/gateway/server/queries";
import { stampOf } from "@/lib/live/views";

export const dynamic = "force-dynamic";

function wantsJson(req: NextRequest, format: "yaml" | "json" | undefined): boolean {
  if (format) return format === "json";
  const accept = req.headers.get("accept") ?? "";
  return /application\/json/i.test(accept) && !/yaml/i.test(accept);
}

/** The live route table for the Landing Zone to poll, with an ETag per table version and representation. */
export const GET = withApi({ scope: "gateway:read", allowSession: true }, async (req) => {
  const query = readQuery(req, configQuery);
  const json = wantsJson(req, query.format);
  const { routes, version, unready } = await gatewayConfig();
  // The ETag covers the table and which cells are not ready for its served routes.
  const etag = `"gateway-v${version.version}-${stampOf(unready)}-${json ? "json" : "yaml"}"`;
  const headers = {
    ETag: etag,
    "Cache-Control": "no-cache",
    Vary: "Accept",
    "Last-Modified": formatHttpDate(version.updatedAt),
    "X-Gateway-Config-Version": String(version.version),
  };
  if (etagMatches(req, etag)) return new NextResponse(null, { status: 304, headers });
  if (json) return NextResponse.json(exportGatewayConfig(routes, unready), { headers });
  return new NextResponse(exportGatewayYaml(routes, version, unready), {
    headers: { ...headers, "Content-Type": "application/yaml; charset=utf-8" },
  });
});
