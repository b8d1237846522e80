// The ceiling of any JSON-over-HTTP ingest on Node.js, for `npm run bench:ingest`: a bare
// node:http server that reads a telemetry batch (either form: `samples` or `columns`), parses its
// JSON and inserts the samples with the raw binary unnest statement — no token, no validation, no current state, no versions, no
// capabilities, no Next.js. What the app's endpoint could reach if everything it does beyond
// HTTP + JSON + the insert cost nothing. Started as a process of its own (as the app server is):
//   node --import tsx scripts/support/bare-ingest-server.ts <port> <database url>
import http from "node:http";
import { createPool } from "@/lib/db/client";
import type { SimSample, sampleColumns } from "@/lib/simulator/engine";
import { APP_PROCESS_TITLE } from "../runtime";
import { columnParams, UNNEST_INSERT_SQL, unnestParams } from "./raw-insert";

const [port, url] = process.argv.slice(2);
if (port && url) {
  // Counted with the app server's CPU by the benchmark (the app server itself is idle meanwhile).
  process.title = APP_PROCESS_TITLE;
  const pool = createPool(url, 6, { asyncCommit: true, name: "bare-ingest" });
  const server = http.createServer((req, res) => {
    if (req.method !== "POST") {
      res.writeHead(404, { "Content-Length": 0 });
      res.end();
      return;
    }
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => {
      const b = JSON.parse(Buffer.concat(parts).toString("utf8")) as { samples?: SimSample[]; columns?: ReturnType<typeof sampleColumns> };
      pool.query(UNNEST_INSERT_SQL, b.columns ? columnParams(b.columns) : unnestParams(b.samples!)).then(
        (r) => {
          const body = JSON.stringify({ stored: r.rowCount });
          res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
          res.end(body);
        },
        (e: Error) => {
          res.writeHead(500, { "Content-Type": "text/plain" });
          res.end(e.message);
        },
      );
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(Number(port), "127.0.0.1", () => console.log(`bare ingest server on ${port}`));
  process.on("SIGTERM", () => {
    server.close();
    void pool.end().then(() => process.exit(0));
  });
}
