import { type NextRequest, NextResponse } from "next/server";
import { apiError } from "@/lib/api/server/http";
import { currentUser } from "@/lib/auth/server/session";
import { liveStamp } from "@/lib/live/server/queries";
import { isLiveView, VIEWS_WITH_ID } from "@/lib/live/views";

export const dynamic = "force-dynamic";

// For signed-in people's open pages: the fingerprint of a live view, polled to know when to re-render.
export async function GET(req: NextRequest, { params }: { params: Promise<{ view: string }> }) {
  const user = await currentUser();
  if (!user) return apiError(401, "UNAUTHENTICATED", "sign in to follow live views");
  const { view } = await params;
  if (!isLiveView(view)) return apiError(404, "NOT_FOUND", `no live view ${view}`);
  const id = req.nextUrl.searchParams.get("id");
  if (VIEWS_WITH_ID.has(view) && (!id || id.length > 200)) return apiError(400, "INVALID", `the ${view} view needs ?id=`);
  return NextResponse.json(await liveStamp(view, VIEWS_WITH_ID.has(view) ? id : null), { headers: { "Cache-Control": "no-store" } });
}
