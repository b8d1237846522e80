// Request URLs whose percent-encoding does not decode (a lone `%`, `%zz`, bytes that are not
// UTF-8 such as `%FF` or an encoded surrogate): refused with a 400 by the app server before
// Next.js routing, which would otherwise fail on them with a 500 when it decodes path parameters.
// Pure; the app server (scripts/serve.ts) answers with `malformedUrlAnswer`.

/** Why the path of `url` (path and query, as on the request line) cannot be decoded, or null. */
export function malformedPath(url: string): string | null {
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  try {
    decodeURIComponent(path);
    return null;
  } catch {
    return "the URL's path has a percent-encoding that is not valid UTF-8";
  }
}

/** The 400 for a malformed path, in the shape of the API it was meant for. */
export function malformedUrlAnswer(url: string, reason: string): { status: 400; body: unknown } {
  if (url.startsWith("/ofrep/")) return { status: 400, body: { errorCode: "PARSE_ERROR", errorDetails: reason } };
  return { status: 400, body: { error: { code: "INVALID", message: reason, details: [{ path: "(url)", message: reason }] } } };
}
