// Generated path and query parameters against every /api/v1 endpoint that reads: never a 5xx, a
// control character in any parameter is a 400 naming that parameter (before any SQL), and every
// other 400 names its field. Reads change no rows.
import { describe, it } from "vitest";
import { anyParam, encodeParam, hasControl, malformedEncoding, withControl } from "./generators";
import { type Answer, app, call, changedTables, detailsOf400, expect, expectNo5xx, fc, fcOptions, rowCounts } from "./support";

/** A read with one generated parameter. */
interface Read {
  name: string;
  /** The parameter generated, and where it goes. */
  param: string;
  url: (value: string) => string;
  token?: string;
  /** Statuses a well-formed value may get. */
  ok: number[];
}

const READS: Read[] = [
  { name: "desired", param: "cell", url: (v) => `/api/v1/cells/${v}/desired`, ok: [200, 304, 404] },
  { name: "assignments", param: "cell", url: (v) => `/api/v1/cells/${v}/assignments`, ok: [200, 404] },
  { name: "release", param: "id", url: (v) => `/api/v1/releases/${v}`, ok: [200, 404] },
  { name: "flag preview (key)", param: "key", url: (v) => `/api/v1/flags/${v}/preview?customer=cust-0001`, ok: [200, 404] },
  { name: "flag preview (customer)", param: "customer", url: (v) => `/api/v1/flags/newVoiceCodec/preview?customer=${v}`, ok: [200, 400] },
  {
    name: "gateway resolve (customer)",
    param: "customer",
    url: (v) => `/api/v1/gateway/resolve?path=/v2/Messages&customer=${v}`,
    ok: [200, 400, 404, 405, 410],
  },
  {
    name: "gateway resolve (path)",
    param: "path",
    url: (v) => `/api/v1/gateway/resolve?method=POST&path=${v}`,
    ok: [200, 400, 404, 405, 410],
  },
  {
    name: "gateway resolve (method)",
    param: "method",
    url: (v) => `/api/v1/gateway/resolve?path=/v2/Messages&method=${v}`,
    ok: [200, 400, 404, 405, 410],
  },
  { name: "gateway config (format)", param: "format", url: (v) => `/api/v1/gateway/config?format=${v}`, ok: [200, 400] },
  { name: "fleet feed (since)", param: "since", url: (v) => `/api/v1/fleet/feed?since=${v}`, ok: [200, 304] },
  { name: "fleet health (any query)", param: "x", url: (v) => `/api/v1/fleet/health?x=${v}`, ok: [200] },
  { name: "flags (any query)", param: "x", url: (v) => `/api/v1/flags?x=${v}`, ok: [200] },
];

function check(r: Read, value: string, a: Answer, what: string) {
  expectNo5xx(a, what);
  if (hasControl(value)) {
    expect(a.status, `${what}: ${a.text.slice(0, 200)}`).toBe(400);
    const paths = detailsOf400(a, what).map((d) => d.path);
    expect(paths, what).toContain(r.param);
    return;
  }
  // Any 400 names its field (an over-long parameter, an undecodable path); an empty path segment is
  // redirected by Next.js (308) to a path that is not the route.
  if (a.status === 400) detailsOf400(a, what);
  else if (!r.ok.includes(a.status) && a.status !== 404 && a.status !== 308)
    throw new Error(`${what}: unexpected HTTP ${a.status} ${a.text.slice(0, 200)}`);
}

describe("path and query parameters of every read", () => {
  for (const r of READS) {
    it(`${r.name}: any ${r.param} — never a 5xx; control characters a 400 naming ${r.param}`, async () => {
      const before = await rowCounts();
      await fc.assert(
        fc.asyncProperty(fc.oneof(anyParam, withControl("cust-0001")), async (value) => {
          const url = r.url(encodeParam(value));
          const what = `GET ${url}`;
          check(r, value, await call({ url, token: r.token ?? app.tokens.all }), what);
        }),
        fcOptions(40),
      );
      expect(changedTables(before, await rowCounts()), "reads change no rows").toEqual([]);
    });
  }

  it("the reported case: gateway resolve with customer=%00 is a 400 naming customer", async () => {
    const a = await call({ url: "/api/v1/gateway/resolve?path=/v2/Messages&customer=%00", token: app.tokens.all });
    expect(a.status, a.text).toBe(400);
    expect(detailsOf400(a, "customer=%00").map((d) => d.path)).toContain("customer");
  });

  it("control characters in a query parameter's name: 400 naming it", async () => {
    const a = await call({ url: "/api/v1/fleet/health?a%00b=1", token: app.tokens.all });
    expect(a.status, a.text).toBe(400);
    expect(detailsOf400(a, "a%00b").map((d) => d.path)).toEqual([expect.stringContaining("a")]);
  });

  it("malformed percent-encodings in paths and queries: never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...READS), malformedEncoding, async (r, raw) => {
        const url = r.url(raw);
        const a = await call({ url, token: app.tokens.all });
        expectNo5xx(a, `GET ${url}`);
        if (a.status === 400 && a.headers.get("content-type")?.includes("json")) detailsOf400(a, `GET ${url}`);
      }),
      fcOptions(40),
    );
  });

  it("sessions reach the same validation (reads that accept one)", async () => {
    const a = await call({ url: "/api/v1/gateway/resolve?path=/v2/Messages&customer=a%00", cookie: app.viewerCookie });
    expect(a.status, a.text).toBe(400);
    expect(detailsOf400(a, "session").map((d) => d.path)).toContain("customer");
  });
});

describe("the rest of the surface", () => {
  it("approvals (sessions only), openapi (public), ping: answer, never a 5xx, with any query", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("/api/v1/approvals", "/api/v1/openapi.json", "/ofrep/v1/ping"), anyParam, async (path, v) => {
        const url = `${path}?q=${encodeParam(v)}`;
        for (const auth of [{ cookie: app.viewerCookie }, { token: app.tokens.all }, {}]) {
          const a = await call({ url, ...auth });
          expectNo5xx(a, `GET ${url}`);
          if (a.status === 400) detailsOf400(a, `GET ${url}`);
        }
      }),
      fcOptions(15),
    );
    expect((await call({ url: "/api/v1/approvals", cookie: app.viewerCookie })).status).toBe(200);
    expect((await call({ url: "/api/v1/approvals", token: app.tokens.all })).status).toBe(401);
    expect((await call({ url: "/api/v1/openapi.json" })).status).toBe(200);
  });

  it("every method on every route: never a 5xx", async () => {
    const urls = [
      "/api/v1/telemetry",
      "/api/v1/alerts",
      "/api/v1/releases",
      "/api/v1/releases/x",
      "/api/v1/cells/smb-us-1/desired",
      "/api/v1/cells/smb-us-1/assignments",
      "/api/v1/migrations/x/cells/smb-us-1/progress",
      "/api/v1/flags",
      "/api/v1/flags/newVoiceCodec/preview?customer=c",
      "/api/v1/gateway/config",
      "/api/v1/gateway/resolve?path=/v1/Messages",
      "/api/v1/fleet/health",
      "/api/v1/fleet/feed",
      "/api/v1/approvals",
      "/api/v1/openapi.json",
      "/ofrep/v1/evaluate/flags",
      "/ofrep/v1/evaluate/flags/newVoiceCodec",
      "/ofrep/v1/ping",
    ];
    const before = await rowCounts();
    for (const url of urls)
      for (const method of ["PUT", "PATCH", "DELETE", "OPTIONS", "GET", "POST"]) {
        const a = await call({
          url,
          method,
          token: app.tokens.flagsRead,
          ...(method === "GET" || method === "OPTIONS" ? {} : { raw: "{}" }),
        });
        expectNo5xx(a, `${method} ${url}`);
      }
    expect(changedTables(before, await rowCounts())).toEqual([]);
  });
});
