// Serves route handlers (the app's Next.js `route.ts` exports, or any `(Request) => Response`) over
// real HTTP on a random loopback port, the way Next.js hands them a request: the body is the
// Node.js request itself, streamed (never buffered here). `reads` records, per path, what the
// handler pulled from the body and what the server had read from the connection when it answered.
// A response sent before the body was read to its end closes the connection, gently, as the app
// server does (lib/http/server/linger.ts).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { NextRequest } from "next/server";
import { lingerOnClose } from "@/lib/http/server/linger";

export type RouteHandler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

export interface Route {
  method: string;
  /** A path pattern; its groups are the params named by `keys`. */
  pattern: RegExp;
  keys?: string[];
  handler: RouteHandler;
}

export interface Reads {
  /** Body bytes the handler pulled (route handlers only). */
  pulled: number;
  /** Bytes the server had read from the connection (headers included) when its answer was sent. */
  socket: number;
}

export interface RouteServer {
  baseUrl: string;
  /** Per request path, the most recent request's reads. */
  reads: Map<string, Reads>;
  close: () => Promise<void>;
}

/** `direct`: a raw Node.js handler tried before the routes (the app server's direct paths); true when it answered. */
export async function startRouteServer(
  routes: Route[],
  direct?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean,
): Promise<RouteServer> {
  const reads = new Map<string, Reads>();
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const r: Reads = { pulled: 0, socket: 0 };
    reads.set(url.pathname, r);
    const writeHead = res.writeHead.bind(res) as (...a: unknown[]) => http.ServerResponse;
    res.writeHead = ((...a: unknown[]) => {
      r.socket = req.socket.bytesRead;
      return writeHead(...a);
    }) as typeof res.writeHead;
    if (direct?.(req, res)) return;
    const route = routes.find((r) => r.method === req.method && r.pattern.test(url.pathname));
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    const m = route.pattern.exec(url.pathname)!;
    const params = Object.fromEntries((route.keys ?? []).map((k, i) => [k, decodeURIComponent(m[i + 1]!)]));
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
    async function* counted() {
      for await (const c of req) {
        r.pulled += (c as Buffer).length;
        yield c as Buffer;
      }
    }
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    let response: Response;
    try {
      response = await route.handler(
        new NextRequest(url, {
          method: req.method,
          headers,
          ...(hasBody ? { body: counted() as unknown as ReadableStream, duplex: "half" } : {}),
        } as ConstructorParameters<typeof NextRequest>[1]),
        { params: Promise.resolve(params) },
      );
    } catch (e) {
      response = new Response(String(e), { status: 599 });
    }
    const close = !req.readableEnded && hasBody;
    const out = Buffer.from(await response.arrayBuffer());
    const h = Object.fromEntries(response.headers);
    res.writeHead(response.status, { ...h, "content-length": String(out.length), ...(close ? { connection: "close" } : {}) });
    res.end(out);
  });
  lingerOnClose(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    reads,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

export interface HugeBodyResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Bytes the client handed to its socket before the answer came (includes kernel buffers). */
  bytesSent: number;
}

/**
 * POST a chunked body of up to `totalBytes` (generated as it is sent, never held) and stop sending
 * as soon as the answer arrives. The server must answer without reading it all: the total is far
 * more than anything it should read.
 */
export function postHugeChunked(
  url: string,
  headers: Record<string, string>,
  totalBytes: number,
  chunkBytes = 64 * 1024,
): Promise<HugeBodyResult> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const chunk = Buffer.alloc(chunkBytes, 0x20); // spaces: valid JSON whitespace, never a complete document
    // A connection of its own (agent: false), so the server's byte count is this request's.
    const req = http.request(url, { method: "POST", agent: false, headers: { "Content-Type": "application/json", ...headers } });
    req.on("response", (res) => {
      answered = true;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => {
        resolve({ status: res.statusCode!, headers: res.headers, body, bytesSent: sent });
        req.destroy();
      });
    });
    req.on("error", (e) => {
      if (!answered) reject(e);
    });
    const pump = () => {
      while (!answered && sent < totalBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!answered && sent >= totalBytes) req.end();
    };
    req.write("{"); // starts the body (and the request) at once
    pump();
  });
}
