import { NextResponse } from "next/server";
import { apiError } from "@/lib/api/server/http";
import { approvalsInbox } from "@/lib/approvals/server/queries";
import { currentUser } from "@/lib/auth/server/session";

export const dynamic = "force-dynamic";

// For signed-in people only: the inbox is about who is asking (four-eyes), not for machines.
export async function GET() {
  const user = await currentUser();
  if (!user) return apiError(401, "UNAUTHENTICATED", "sign in to read your approvals inbox");
  return NextResponse.json(await approvalsInbox(user), { headers: { "Cache-Control": "no-store" } });
}
