// Serves the OFREP handlers (lib/flags/ofrep.ts) over real HTTP on a random loopback port, against a
// test database, with an injectable clock: what the Next route handlers do, minus Next.
import http from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import type { Db } from "@/lib/db/client";
import { handleEvaluateFlag, handleEvaluateFlags, type OfrepDeps } from "@/lib/flags/ofrep";
import { createFlagSource } from "@/lib/flags/server/source";

export interface OfrepTestServer {
  baseUrl: string;
  clock: { now: Date };
  close: () => Promise<void>;
}

/** Like the app (lib/flags/ofrep-deps.ts): the per-request statement on a small pg pool of its own. */
export async function startOfrepServer(db: Db, url: string, now = new Date()): Promise<OfrepTestServer> {
  const clock = { now };
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const deps: OfrepDeps = {
    source: createFlagSource(db, async (sql, params, name) => (await pool.query({ text: sql, values: params, name })).rows),
    now: () => clock.now,
  };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
    const request = new Request(url, {
      method: req.method,
      headers,
      body: chunks.length && req.method !== "GET" ? Buffer.concat(chunks) : undefined,
    });
    const m = /^\/ofrep\/v1\/evaluate\/flags(?:\/([^/]+))?$/.exec(url.pathname);
    const response =
      req.method === "POST" && m
        ? m[1]
          ? await handleEvaluateFlag(request, decodeURIComponent(m[1]), deps)
          : await handleEvaluateFlags(request, deps)
        : new Response(null, { status: req.method === "POST" || !m ? 404 : 405 });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    clock,
    close: async () => {
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
      await pool.end();
    },
  };
}
