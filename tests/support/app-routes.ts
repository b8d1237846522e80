// The app's route handlers over HTTP, as `next start` routes them, for tests where a client (the
// fleet simulator) talks to the real API: the request body is read whole, then handed over.
// Listens on `port` (0: a free one) so a test can stop the API and bring it back where it was.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { NextRequest } from "next/server";

export type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
export type AppRoute = { method: string; pattern: RegExp; keys: string[]; handler: Handler };

export async function serveAppRoutes(routes: AppRoute[], port = 0): Promise<http.Server> {
  const s = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? "/", `http://127.0.0.1:${(s.address() as AddressInfo).port}`);
    const route = routes.find((r) => r.method === req.method && r.pattern.test(url.pathname));
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    const m = route.pattern.exec(url.pathname)!;
    const params = Object.fromEntries(route.keys.map((k, i) => [k, decodeURIComponent(m[i + 1]!)]));
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const body = chunks.length ? Buffer.concat(chunks) : undefined;
    const response = await route.handler(new NextRequest(url, { method: req.method, headers, body }), { params: Promise.resolve(params) });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((r) => s.listen(port, "127.0.0.1", r));
  return s;
}

/** The port a server listens on. */
export const portOf = (s: http.Server) => (s.address() as AddressInfo).port;
