// Response headers of the app. Pages get a Content-Security-Policy with a fresh nonce per request
// (set by proxy.ts; Next.js puts the nonce on its own scripts, and 'strict-dynamic' extends the
// trust to the chunks they load), so no inline script runs unless the server put it there. API
// responses get a policy that allows nothing at all. The other headers apply to every response:
// next.config.ts sets them on Next.js responses, the app server (scripts/serve.ts) on its direct path.

/** The page policy for one response. */
export function pageCsp(nonce: string, production: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${production ? "" : " 'unsafe-eval'"}`,
    // React's style attributes (positions of virtualised tiles, chart sizes) are inline styles.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join("; ");
}

/** JSON and YAML answers are never documents to run: nothing may load, nobody may frame them. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** A fresh, unguessable nonce (16 random bytes, base64). */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/** The headers every response carries (the CSP is added per kind of response, see above). */
export function securityHeaders(production: boolean): { key: string; value: string }[] {
  return [
    { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "X-Frame-Options", value: "DENY" },
    { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
    // Browsers ignore HSTS on plain-HTTP responses, so it is safe to send from every production server.
    ...(production ? [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" }] : []),
  ];
}
