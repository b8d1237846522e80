// GET /api/v1/fleet/feed: the heatmap's compact live feed (lib/health/feed.ts) with ETag /
// If-None-Match and deltas since a version the tab holds (?since=<ETag>).
import { withApi } from "@/lib/api/server/http";
import { pool } from "@/lib/db";
import { answerFeed, currentFeed } from "@/lib/health/server/feed";
import { currentThresholds } from "@/lib/health/server/thresholds-cache";

export const dynamic = "force-dynamic";

export const GET = withApi({ scope: "fleet:read", allowSession: true }, async (req) => {
  const current = await currentFeed(pool(), await currentThresholds(), new Date());
  const answer = answerFeed(current, req.headers.get("if-none-match"), req.nextUrl.searchParams.get("since"));
  const headers = { ETag: answer.etag, "Cache-Control": "private, no-cache" };
  if (answer.status === 304) return new Response(null, { status: 304, headers });
  return new Response(answer.json, { headers: { ...headers, "Content-Type": "application/json" } });
});
