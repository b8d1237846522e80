// GET /metrics without Next.js: the app server answers it on its direct path (a bearer token with
// scope metrics:read), and on CELLPLANE_METRICS_PORT without one when that port is configured.
import type http from "node:http";
import type pg from "pg";
import type { TokenVerifier } from "@/lib/auth/server/tokens";
import { scrape } from "./collect";

export interface MetricsDeps {
  pool: Pick<pg.Pool, "query">;
  /** Absent: no token needed (the separate metrics port). */
  tokens?: TokenVerifier;
}

export const isMetricsRequest = (req: http.IncomingMessage) =>
  req.method === "GET" && (req.url === "/metrics" || !!req.url?.startsWith("/metrics?"));

export async function serveMetrics(deps: MetricsDeps, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const plain = { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" };
  try {
    if (deps.tokens) {
      const check = await deps.tokens.verify(req.headers.authorization, "metrics:read");
      if (!check.ok) {
        res.writeHead(check.status, { ...plain, ...(check.status === 401 ? { "WWW-Authenticate": 'Bearer scope="metrics:read"' } : {}) });
        res.end(`${check.error}\n`);
        return;
      }
    }
    const out = await scrape(deps.pool);
    res.writeHead(200, { "Content-Type": out.contentType, "Cache-Control": "no-store" });
    res.end(out.body);
  } catch (e) {
    console.error("[metrics]", e);
    res.writeHead(500, plain).end("internal error\n");
  }
}
