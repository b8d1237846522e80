// The app server: Next.js (pages, server actions, every API route) behind one Node.js HTTP
// server that answers POST /api/v1/telemetry on a direct path first. Telemetry is the one
// endpoint called thousands of times a minute by every cell; Next.js's request handling costs
// more CPU than storing a batch, so this path skips it. It runs the same code as the Next.js route
// (lib/health/server/telemetry-http.ts) and sends the same security headers. Its database pools and
// token verifier are the process's own (lib/db/pools.ts, lib/auth/server/tokens.ts), shared with
// the Next.js code running in this same process.
//
//   node --import tsx scripts/serve.ts [--dev] [--port N]     (npm start runs it)
//
// Environment as for `next start`: DATABASE_URL, NEXTAUTH_SECRET, NEXTAUTH_URL, PORT. It listens on
// every interface, as `next start` does.
import http from "node:http";
import { parseArgs } from "node:util";
import { CLIENT_ADDRESS_HEADER } from "@/lib/auth/client-address";
import { clientAddress } from "@/lib/auth/throttle-policy";
import { tokenVerifier } from "@/lib/auth/server/tokens";
import { appPool, closePools } from "@/lib/db/pools";
import { env } from "@/lib/env";
import { CurrentStateBuffer } from "@/lib/health/server/state-buffer";
import { serveTelemetry } from "@/lib/health/server/telemetry-http";
import { BODY_REFUSED_HEADERS } from "@/lib/http/body";
import { isMetricsRequest, serveMetrics } from "@/lib/metrics/server/http";
import { API_CSP, securityHeaders } from "@/lib/http/security-headers";
import { lingerOnClose } from "@/lib/http/server/linger";
import { malformedPath, malformedUrlAnswer } from "@/lib/http/url";
import { settingReader, SETTINGS } from "@/lib/settings/server/store";
import { APP_PROCESS_TITLE, ROOT } from "./runtime";

const { values: args } = parseArgs({
  options: { dev: { type: "boolean", default: false }, port: { type: "string", short: "p" } },
});
const dev = args.dev!;
process.title = APP_PROCESS_TITLE;
const port = Number(args.port ?? process.env.PORT ?? 3000);
// Before Next.js loads: it reads NODE_ENV when its modules are first evaluated.
(process.env as Record<string, string>).NODE_ENV = dev ? "development" : "production";
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error("serve: DATABASE_URL is not set (npm start sets it)");
  process.exit(1);
}

const { default: next } = await import("next");
const app = next({ dev, dir: ROOT, port });
const handle = app.getRequestHandler();

// The direct path runs on the process's telemetry pool (commits do not wait for the WAL flush)
// and its token verifier; thresholds come from a cached reader on the requests pool. The current
// state of known pairs is written behind the samples, coalesced — 50 ms after readings pause, at the
// latest a second after they arrived — and flushed on shutdown (lib/health/server/state-buffer.ts).
const deps = {
  pool: appPool("telemetry"),
  tokens: tokenVerifier(),
  thresholds: settingReader(appPool("requests"), SETTINGS.thresholds),
  state: new CurrentStateBuffer(appPool("telemetry")),
};
const baseHeaders: Record<string, string> = {
  ...Object.fromEntries(securityHeaders(!dev).map((h) => [h.key, h.value])),
  "Content-Security-Policy": API_CSP,
};

await app.prepare();
// As `next start` does: an error that escapes a request is logged, and the server keeps serving.
// (Next.js may have registered these already in this process; then theirs stand.)
if (process.listenerCount("uncaughtException") === 0)
  process.on("uncaughtException", (e) => console.error("[serve] uncaught exception:", e));
if (process.listenerCount("unhandledRejection") === 0)
  process.on("unhandledRejection", (e) => console.error("[serve] unhandled rejection:", e));
const trustProxy = env().CELLPLANE_TRUST_PROXY;
const server = http.createServer((req, res) => {
  // Who is asking, for sign-in throttling: never what the client claims, unless a trusted proxy says it.
  req.headers[CLIENT_ADDRESS_HEADER] = clientAddress({
    socket: req.socket.remoteAddress,
    forwardedFor: req.headers["x-forwarded-for"],
    trustProxy,
  });
  // A path Next.js cannot decode would fail there with a 500: a 400 here, before routing.
  const malformed = malformedPath(req.url ?? "/");
  if (malformed) {
    const out = malformedUrlAnswer(req.url ?? "/", malformed);
    const body = JSON.stringify(out.body);
    res.writeHead(out.status, {
      ...baseHeaders,
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": "no-store",
      "Content-Length": Buffer.byteLength(body),
      ...BODY_REFUSED_HEADERS,
    });
    res.end(body);
    return;
  }
  if (req.method === "POST" && (req.url === "/api/v1/telemetry" || req.url?.startsWith("/api/v1/telemetry?"))) {
    void serveTelemetry(deps, req, res, baseHeaders);
    return;
  }
  if (isMetricsRequest(req)) {
    void serveMetrics({ pool: deps.pool, tokens: deps.tokens }, req, res);
    return;
  }
  handle(req, res).catch((e: unknown) => {
    console.error(`[serve] ${req.method} ${req.url}`, e);
    if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
    res.end("internal error");
  });
});
// Answers given before a body was read close their connection without resetting it.
lingerOnClose(server);
if (dev) server.on("upgrade", app.getUpgradeHandler());
server.keepAliveTimeout = 65_000;
await new Promise<void>((resolve, reject) => {
  server.once("error", reject);
  server.listen(port, resolve);
});
console.log(`[serve] ready on http://localhost:${port} (${dev ? "development" : "production"})`);

// GET /metrics without a token on a port of its own, for scrapers on a private network.
const metricsPort = env().CELLPLANE_METRICS_PORT;
const metricsServer = metricsPort
  ? http.createServer((req, res) => {
      if (isMetricsRequest(req)) void serveMetrics({ pool: deps.pool }, req, res);
      else res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("GET /metrics\n");
    })
  : null;
if (metricsServer) {
  await new Promise<void>((resolve, reject) => {
    metricsServer.once("error", reject);
    metricsServer.listen(metricsPort, env().CELLPLANE_METRICS_HOST, resolve);
  });
  console.log(`[serve] metrics on http://${env().CELLPLANE_METRICS_HOST}:${metricsPort}/metrics (no token)`);
}

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  const force = setTimeout(() => process.exit(0), 10_000);
  force.unref();
  // Resolves once every connection has ended (requests under way answered), or after 5 s.
  const drained = new Promise<void>((resolve) => {
    server.close(() => resolve());
    setTimeout(resolve, 5_000).unref();
  });
  server.closeIdleConnections();
  metricsServer?.close();
  await app.close().catch(() => {});
  // Once no batch is under way any more: the readings held in memory.
  await drained;
  await deps.state.close().catch(() => {});
  await closePools();
  process.exit(0);
}
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
