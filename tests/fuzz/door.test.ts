// The door itself: every public endpoint without a token, with a made-up or malformed one, with a
// token lacking the scope, and (cell-bound) acting for another cell — 401/403, no body read, no row
// changed. And the list of public endpoints is this tier's list: a new route file under app/api/v1
// or app/ofrep fails here until the tier fuzzes it.
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "vitest";
import { anyParam, encodeParam } from "./generators";
import { app, call, changedTables, detailsOf400, expect, expectNo5xx, fc, fcOptions, rowCounts } from "./support";

interface Endpoint {
  /** The route file that answers it. */
  route: string;
  method: "GET" | "POST";
  url: string;
  /** A body that would be accepted (so a refusal is the door's, not validation's). */
  body?: unknown;
  /** "session": sessions only; "public": no authentication. */
  scope: string;
  /** Accepts a browser session too. */
  session?: boolean;
  /** Where the tier sends generated input (the other fuzz files). */
  fuzzedIn: string;
}

const sample = { cell: "smb-us-2", service: "sms", ts: Date.now() - 1000, errorRate: 0, p99Ms: 1, cpu: 0, rps: 1 };

const ENDPOINTS: Endpoint[] = [
  {
    route: "app/api/v1/telemetry/route.ts",
    method: "POST",
    url: "/api/v1/telemetry",
    body: { samples: [sample] },
    scope: "telemetry:write",
    fuzzedIn: "writes",
  },
  {
    route: "app/api/v1/alerts/route.ts",
    method: "POST",
    url: "/api/v1/alerts",
    body: { type: "door", cell: "smb-us-2", severity: "info", summary: "s", status: "firing", dedupKey: "door" },
    scope: "alerts:write",
    fuzzedIn: "writes",
  },
  {
    route: "app/api/v1/alerts/alertmanager/route.ts",
    method: "POST",
    url: "/api/v1/alerts/alertmanager",
    body: {
      version: "4",
      status: "firing",
      alerts: [{ status: "firing", labels: { alertname: "door", cell: "smb-us-2", severity: "info" }, annotations: { summary: "s" } }],
    },
    scope: "alerts:write",
    fuzzedIn: "door",
  },
  {
    route: "app/api/v1/releases/route.ts",
    method: "POST",
    url: "/api/v1/releases",
    body: { pipeline: "standard", versions: { sms: "v9.9.9" } },
    scope: "releases:write",
    fuzzedIn: "writes",
  },
  {
    route: "app/api/v1/releases/[id]/route.ts",
    method: "GET",
    url: "/api/v1/releases/x",
    scope: "releases:write",
    session: true,
    fuzzedIn: "reads",
  },
  {
    route: "app/api/v1/cells/[cell]/desired/route.ts",
    method: "GET",
    url: "/api/v1/cells/smb-us-2/desired",
    scope: "cells:agent",
    fuzzedIn: "reads",
  },
  {
    route: "app/api/v1/cells/[cell]/assignments/route.ts",
    method: "GET",
    url: "/api/v1/cells/smb-us-2/assignments",
    scope: "migrations:agent",
    fuzzedIn: "reads",
  },
  {
    route: "app/api/v1/migrations/[id]/cells/[cell]/progress/route.ts",
    method: "POST",
    url: "/api/v1/migrations/x/cells/smb-us-2/progress",
    body: { phase: "backfill", status: "running" },
    scope: "migrations:agent",
    fuzzedIn: "writes",
  },
  { route: "app/api/v1/flags/route.ts", method: "GET", url: "/api/v1/flags", scope: "flags:read", session: true, fuzzedIn: "reads" },
  {
    route: "app/api/v1/flags/[key]/preview/route.ts",
    method: "GET",
    url: "/api/v1/flags/newVoiceCodec/preview?customer=c",
    scope: "flags:read",
    session: true,
    fuzzedIn: "reads",
  },
  {
    route: "app/api/v1/gateway/config/route.ts",
    method: "GET",
    url: "/api/v1/gateway/config",
    scope: "gateway:read",
    session: true,
    fuzzedIn: "reads",
  },
  {
    route: "app/api/v1/gateway/resolve/route.ts",
    method: "GET",
    url: "/api/v1/gateway/resolve?path=/v2/Messages",
    scope: "gateway:read",
    session: true,
    fuzzedIn: "reads",
  },
  {
    route: "app/api/v1/fleet/health/route.ts",
    method: "GET",
    url: "/api/v1/fleet/health",
    scope: "fleet:read",
    session: true,
    fuzzedIn: "reads",
  },
  {
    route: "app/api/v1/fleet/feed/route.ts",
    method: "GET",
    url: "/api/v1/fleet/feed",
    scope: "fleet:read",
    session: true,
    fuzzedIn: "reads",
  },
  { route: "app/api/v1/approvals/route.ts", method: "GET", url: "/api/v1/approvals", scope: "session", fuzzedIn: "reads" },
  { route: "app/api/v1/live/[view]/route.ts", method: "GET", url: "/api/v1/live/release?id=x", scope: "session", fuzzedIn: "reads" },
  {
    route: "app/api/v1/changes/route.ts",
    method: "GET",
    url: "/api/v1/changes?kind=flag",
    scope: "fleet:read",
    session: true,
    fuzzedIn: "reads",
  },
  {
    route: "app/api/v1/flags/[key]/cells/route.ts",
    method: "GET",
    url: "/api/v1/flags/newVoiceCodec/cells",
    scope: "flags:read",
    session: true,
    fuzzedIn: "reads",
  },
  { route: "app/api/v1/openapi.json/route.ts", method: "GET", url: "/api/v1/openapi.json", scope: "public", fuzzedIn: "reads" },
  {
    route: "app/ofrep/v1/evaluate/flags/route.ts",
    method: "POST",
    url: "/ofrep/v1/evaluate/flags",
    body: { context: { targetingKey: "c" } },
    scope: "flags:read",
    fuzzedIn: "ofrep",
  },
  {
    route: "app/ofrep/v1/evaluate/flags/[key]/route.ts",
    method: "POST",
    url: "/ofrep/v1/evaluate/flags/newVoiceCodec",
    body: { context: { targetingKey: "c" } },
    scope: "flags:read",
    fuzzedIn: "ofrep",
  },
  { route: "app/ofrep/v1/ping/route.ts", method: "GET", url: "/ofrep/v1/ping", scope: "public", fuzzedIn: "reads" },
  { route: "app/ofrep/[...path]/route.ts", method: "GET", url: "/ofrep/v1/nowhere", scope: "public", fuzzedIn: "door" },
];

const ROOT = path.resolve(import.meta.dirname, "../..");

function routeFiles(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs, { recursive: true, encoding: "utf8" })
    .filter((f) => /(^|\/)route\.ts$/.test(f))
    .map((f) => `${dir}/${f}`);
}

/** Header values a careless or hostile client may send (printable, as HTTP allows). */
const badCredential = fc.oneof(
  fc.constant({}),
  fc.string({ maxLength: 80, unit: "grapheme-ascii" }).map((s) => ({ authorization: s.trim() })),
  fc.string({ minLength: 1, maxLength: 80, unit: "grapheme-ascii" }).map((s) => ({ authorization: `Bearer ${s.trim()}` })),
  fc.constantFrom(
    { authorization: "Bearer" },
    { authorization: "Bearer " },
    { authorization: "Basic dXNlcjpwYXNz" },
    { authorization: `Bearer ${"x".repeat(5000)}` },
    { authorization: "Bearer cp_0000000000000000000000000000000000000000000" },
  ),
  fc.string({ minLength: 1, maxLength: 80, unit: "grapheme-ascii" }).map((s) => ({ "x-api-key": s.trim() || "k" })),
);

describe("the door", () => {
  it("every public route file is in this tier's list (a new endpoint must be fuzzed)", () => {
    const files = [...routeFiles("app/api/v1"), ...routeFiles("app/ofrep")].sort();
    expect(files).toEqual(ENDPOINTS.map((e) => e.route).sort());
  });

  it("any JSON body and any query, to every endpoint: never a 5xx, a 400 names its field, a refusal changes no rows", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ENDPOINTS), fc.jsonValue({ maxDepth: 3 }), anyParam, async (e, body, q) => {
        const url = `${e.url}${e.url.includes("?") ? "&" : "?"}fuzz=${encodeParam(q)}`;
        const what = `${e.method} ${url} ${JSON.stringify(body).slice(0, 200)}`;
        const before = await rowCounts();
        const a = await call({
          method: e.method,
          url,
          token: app.tokens.all,
          ...(e.scope === "session" ? { cookie: app.viewerCookie } : {}),
          ...(e.method === "POST" ? { body } : {}),
        });
        expectNo5xx(a, what);
        if (a.status === 400 && e.url.startsWith("/ofrep/")) {
          const b = a.json as { errorCode?: unknown; errorDetails?: unknown } | null;
          expect(
            typeof b?.errorCode === "string" && typeof b.errorDetails === "string" && b.errorDetails !== "",
            `${what}: ${a.text}`,
          ).toBe(true);
        } else if (a.status === 400) detailsOf400(a, what);
        if (a.status >= 400) expect(changedTables(before, await rowCounts()), what).toEqual([]);
      }),
      fcOptions(120),
    );
  });

  it("no token, a made-up one or a malformed header: 401 (public routes answer), no row changed", async () => {
    const before = await rowCounts();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ENDPOINTS), badCredential, async (e, headers) => {
        const a = await call({ method: e.method, url: e.url, headers, body: e.body });
        const what = `${e.method} ${e.url} with ${JSON.stringify(headers).slice(0, 120)}`;
        expectNo5xx(a, what);
        if (e.scope === "public") return;
        expect(a.status, `${what}: ${a.text.slice(0, 200)}`).toBe(401);
      }),
      fcOptions(150),
    );
    expect(changedTables(before, await rowCounts())).toEqual([]);
  });

  it("a forged or garbled session cookie: 401 where a session is accepted, never a 5xx", async () => {
    const names = ["next-auth.session-token", "__Secure-next-auth.session-token", "next-auth.csrf-token"];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ENDPOINTS.filter((e) => e.session || e.scope === "session")),
        fc.constantFrom(...names),
        fc.oneof(
          fc.string({ maxLength: 200, unit: "grapheme-ascii" }),
          fc.constantFrom(
            "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..x.y.z",
            app.viewerCookie.split("session-token=")[1]?.split(";")[0]?.slice(0, -4) ?? "x",
          ),
        ),
        async (e, name, value) => {
          const cookie = `${name}=${encodeURIComponent(value)}`;
          const a = await call({ method: e.method, url: e.url, cookie, body: e.body });
          expectNo5xx(a, `${e.method} ${e.url} cookie ${cookie.slice(0, 120)}`);
          expect(a.status, `${e.url} cookie ${cookie.slice(0, 120)}: ${a.text.slice(0, 200)}`).toBe(401);
        },
      ),
      fcOptions(40),
    );
  });

  it("a token without the scope: 403 (session-only routes: 401), no row changed", async () => {
    const before = await rowCounts();
    for (const e of ENDPOINTS) {
      if (e.scope === "public") continue;
      const token = e.scope === "flags:read" ? app.tokens.telemetryWrite : app.tokens.flagsRead;
      const a = await call({ method: e.method, url: e.url, token, body: e.body });
      expect(a.status, `${e.method} ${e.url}: ${a.text.slice(0, 200)}`).toBe(e.scope === "session" ? 401 : 403);
    }
    expect(changedTables(before, await rowCounts())).toEqual([]);
  });

  it("a token bound to smb-us-1 acting for smb-us-2: 403, no row changed", async () => {
    const before = await rowCounts();
    for (const e of ENDPOINTS.filter((x) => x.url.includes("smb-us-2") || JSON.stringify(x.body ?? "").includes("smb-us-2"))) {
      const a = await call({ method: e.method, url: e.url, token: app.tokens.bound, body: e.body });
      expect(a.status, `${e.method} ${e.url}: ${a.text.slice(0, 200)}`).toBe(403);
    }
    expect(changedTables(before, await rowCounts())).toEqual([]);
  });

  it("a path no route answers under /api or /ofrep: a JSON 404, never the sign-in page's redirect", async () => {
    for (const url of ["/api/v1/nowhere", "/api/v1/cells/../desired", "/api/other", "/ofrep/v1/nowhere", "/ofrep/x/y"]) {
      for (const token of [app.tokens.all, undefined]) {
        const a = await call({ url, token });
        expect(a.status, `${url}: ${a.text.slice(0, 200)}`).toBe(404);
        expect(a.json, url).not.toBeNull();
      }
    }
  });

  it("a huge body without a token: 401 before it is read, no row changed", async () => {
    const before = await rowCounts();
    for (const e of ENDPOINTS.filter((x) => x.method === "POST")) {
      const a = await call({ method: "POST", url: e.url, raw: "x".repeat(3 * 1024 * 1024) });
      expect(a.status, `${e.url}: ${a.text.slice(0, 200)}`).toBe(401);
    }
    expect(changedTables(before, await rowCounts())).toEqual([]);
  });

  it("over the limit with a token: 413, no row changed", async () => {
    const before = await rowCounts();
    for (const e of ENDPOINTS.filter((x) => x.method === "POST")) {
      const a = await call({ method: "POST", url: e.url, token: app.tokens.all, raw: `{"x":"${"x".repeat(3 * 1024 * 1024)}"}` });
      expect(a.status, `${e.url}: ${a.text.slice(0, 200)}`).toBe(413);
    }
    expect(changedTables(before, await rowCounts())).toEqual([]);
  });
});
