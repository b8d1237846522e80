// Pages need a session; machine APIs (/api/v1, /ofrep) authenticate with bearer tokens in their
// own handlers, and next-auth's own routes stay open. Every action and route still checks on the
// server: this only sends browsers to the sign-in page.
import { withAuth } from "next-auth/middleware";

export default withAuth({ pages: { signIn: "/login" } });

export const config = {
  matcher: ["/((?!login|api/auth|api/v1|ofrep|_next/static|_next/image|favicon.ico|icon.svg).*)"],
};
