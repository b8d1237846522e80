// The app's HTTP entry points that take API tokens, served over real HTTP against a test database
// the way the app server runs them: its direct telemetry path (serveTelemetry, as scripts/serve.ts
// wires it: the process's telemetry pool and token verifier) and the real Next.js route handlers
// (withApi routes, the telemetry route, the OFREP routes with their production dependencies).
// The Next.js telemetry route is mounted at /next/api/v1/telemetry, since the direct path answers
// POST /api/v1/telemetry first, as in the app server.
//
// The modules find their database as in the app: DATABASE_URL (and CELLPLANE_DB_POOL) read once by
// lib/env.ts — so call this before anything in the test file reads the environment.
import { type Reads, type Route, type RouteHandler, startRouteServer } from "./route-server";

export interface AppHttp {
  baseUrl: string;
  reads: Map<string, Reads>;
  close: () => Promise<void>;
}

export async function startAppHttp(databaseUrl: string, env: Record<string, string> = {}): Promise<AppHttp> {
  process.env.DATABASE_URL = databaseUrl;
  Object.assign(process.env, env);
  const [telemetryRoute, desired, assignments, progress, alerts, health, ofrepBulk, ofrepOne, tokens, pools, telemetryHttp, settings] =
    await Promise.all([
      import("@/app/api/v1/telemetry/route"),
      import("@/app/api/v1/cells/[cell]/desired/route"),
      import("@/app/api/v1/cells/[cell]/assignments/route"),
      import("@/app/api/v1/migrations/[id]/cells/[cell]/progress/route"),
      import("@/app/api/v1/alerts/route"),
      import("@/app/api/v1/fleet/health/route"),
      import("@/app/ofrep/v1/evaluate/flags/route"),
      import("@/app/ofrep/v1/evaluate/flags/[key]/route"),
      import("@/lib/auth/server/tokens"),
      import("@/lib/db/pools"),
      import("@/lib/health/server/telemetry-http"),
      import("@/lib/settings/server/store"),
    ]);
  const h = (f: unknown) => f as RouteHandler;
  const routes: Route[] = [
    { method: "POST", pattern: /^\/next\/api\/v1\/telemetry$/, handler: h(telemetryRoute.POST) },
    { method: "GET", pattern: /^\/api\/v1\/cells\/([^/]+)\/desired$/, keys: ["cell"], handler: h(desired.GET) },
    { method: "GET", pattern: /^\/api\/v1\/cells\/([^/]+)\/assignments$/, keys: ["cell"], handler: h(assignments.GET) },
    {
      method: "POST",
      pattern: /^\/api\/v1\/migrations\/([^/]+)\/cells\/([^/]+)\/progress$/,
      keys: ["id", "cell"],
      handler: h(progress.POST),
    },
    { method: "POST", pattern: /^\/api\/v1\/alerts$/, handler: h(alerts.POST) },
    { method: "GET", pattern: /^\/api\/v1\/fleet\/health$/, handler: h(health.GET) },
    { method: "POST", pattern: /^\/ofrep\/v1\/evaluate\/flags$/, handler: h(ofrepBulk.POST) },
    { method: "POST", pattern: /^\/ofrep\/v1\/evaluate\/flags\/([^/]+)$/, keys: ["key"], handler: h(ofrepOne.POST) },
  ];
  // As scripts/serve.ts wires its direct path.
  const deps = {
    pool: pools.appPool("telemetry"),
    tokens: tokens.tokenVerifier(),
    thresholds: settings.settingReader(pools.appPool("requests"), settings.SETTINGS.thresholds),
  };
  const srv = await startRouteServer(routes, (req, res) => {
    if (req.method !== "POST" || req.url !== "/api/v1/telemetry") return false;
    void telemetryHttp.serveTelemetry(deps, req, res);
    return true;
  });
  return {
    baseUrl: srv.baseUrl,
    reads: srv.reads,
    close: async () => {
      await srv.close();
      await pools.closePools();
    },
  };
}
