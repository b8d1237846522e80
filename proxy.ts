// Every page request: a fresh CSP nonce (Next.js puts it on its scripts; see
// lib/http/security-headers.ts), and pages other than the sign-in page need a session. Machine APIs
// (/api/v1, /ofrep) authenticate with bearer tokens in their own handlers, and next-auth's own
// routes stay open. Every action and route still checks on the server: this only sends browsers
// to the sign-in page.
import { type NextFetchEvent, type NextRequest, NextResponse } from "next/server";
import { type NextRequestWithAuth, withAuth } from "next-auth/middleware";
import { newNonce, pageCsp } from "@/lib/http/security-headers";

// Answers a redirect to /login without a session, nothing (undefined) with one.
const requireSession = withAuth({ pages: { signIn: "/login" } });

export default async function proxy(req: NextRequest, event: NextFetchEvent) {
  if (req.nextUrl.pathname !== "/login") {
    const refused = await requireSession(req as NextRequestWithAuth, event);
    if (refused) return refused;
  }
  const csp = pageCsp(newNonce(), process.env.NODE_ENV === "production");
  const headers = new Headers(req.headers);
  headers.set("content-security-policy", csp);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set("Content-Security-Policy", csp);
  return res;
}

export const config = {
  matcher: ["/((?!api/|ofrep/|_next/static|_next/image|favicon.ico|icon.svg).*)"],
};
