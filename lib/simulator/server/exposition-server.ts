// The HTTP side of `npm run simulate -- --expose [HOST]:PORT`: GET /metrics in Prometheus's text format.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Exposition } from "../exposition";

export interface ExpositionServer {
  port: number;
  close: () => Promise<void>;
}

/** Serve `exposition` on host:port (port 0: any free one). */
export async function serveExposition(exposition: Exposition, port: number, host = "127.0.0.1"): Promise<ExpositionServer> {
  const server = http.createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found: GET /metrics\n");
      return;
    }
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }).end(exposition.render());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
