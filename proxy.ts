// Every page request: a fresh CSP nonce (Next.js puts it on its scripts; see
// lib/http/security-headers.ts), and pages other than the sign-in page need a session. Machine APIs
// (/api/v1, /ofrep) authenticate with bearer tokens in their own handlers, and next-auth's own
// routes stay open. Every action and route still checks on the server: this only sends browsers
// to the sign-in page.
import { NextResponse } from "next/server";
import { withAuth } from "next-auth/middleware";
import { newNonce, pageCsp } from "@/lib/http/security-headers";

export default withAuth(
  function proxy(req) {
    const nonce = newNonce();
    const csp = pageCsp(nonce, process.env.NODE_ENV === "production");
    const headers = new Headers(req.headers);
    headers.set("content-security-policy", csp);
    const res = NextResponse.next({ request: { headers } });
    res.headers.set("Content-Security-Policy", csp);
    return res;
  },
  {
    pages: { signIn: "/login" },
    callbacks: { authorized: ({ req, token }) => req.nextUrl.pathname === "/login" || !!token },
  },
);

export const config = {
  matcher: ["/((?!api/|ofrep/|_next/static|_next/image|favicon.ico|icon.svg).*)"],
};
