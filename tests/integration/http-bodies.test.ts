// Every HTTP entry point authenticates from the headers before it reads a body, then reads at most
// its limit — declared or chunked — and answers 413 there. Measured in bytes, not time: a 64 MiB
// chunked body (generated as it is sent) against each entry point, counting what the handler
// pulled from the body and what the server had read from the connection when it answered.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audited } from "@/lib/audit/server/record";
import { createToken } from "@/lib/auth/server/users";
import { type AppHttp, startAppHttp } from "../support/app-http";
import { type SeededDatabase, seededDatabase } from "../support/seeded-db";
import { postHugeChunked } from "../support/route-server";

let t: SeededDatabase;
let app: AppHttp;
let token: string;

beforeAll(async () => {
  t = await seededDatabase("http_bodies", { password: "cellplane-test", flagsAt: new Date("2026-12-01T09:00:00Z") });
  app = await startAppHttp(t.url);
  ({ token } = await audited(t.prisma, "test", (tx) =>
    createToken(tx, { name: "everything", scopes: ["telemetry:write", "alerts:write", "migrations:agent", "flags:read"] }, "test"),
  ));
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

const KiB = 1024;
const MiB = 1024 * KiB;
const SENT = 64 * MiB;
/** What a server may read from the connection before anyone asks for the body (Node.js's own buffering). */
const READ_AHEAD = 256 * KiB;

const ENTRY_POINTS: [string, string, number][] = [
  ["telemetry, direct path", "/api/v1/telemetry", 2 * MiB],
  ["telemetry, Next.js route", "/next/api/v1/telemetry", 2 * MiB],
  ["POST /api/v1/alerts (readJson)", "/api/v1/alerts", 512_000],
  ["POST …/progress (readJson)", "/api/v1/migrations/run-1/cells/smb-us-1/progress", 16_000],
  ["OFREP bulk", "/ofrep/v1/evaluate/flags", 64 * KiB],
  ["OFREP single", "/ofrep/v1/evaluate/flags/newVoiceCodec", 64 * KiB],
];

describe.each(ENTRY_POINTS)("%s", (_name, path, limit) => {
  it("a huge chunked body without a token: 401, the body not read", async () => {
    const r = await postHugeChunked(`${app.baseUrl}${path}`, {}, SENT);
    expect(r.status).toBe(401);
    expect(r.headers.connection).toBe("close");
    const reads = app.reads.get(path.replace(/\?.*/, ""))!;
    expect(reads.pulled).toBe(0);
    expect(reads.socket).toBeLessThan(READ_AHEAD);
  });

  it("a huge chunked body with a token: 413 after at most the limit and a chunk", async () => {
    const r = await postHugeChunked(`${app.baseUrl}${path}`, { Authorization: `Bearer ${token}` }, SENT);
    expect(r.status, r.body).toBe(413);
    expect(r.headers.connection).toBe("close");
    const reads = app.reads.get(path)!;
    expect(reads.pulled).toBeLessThanOrEqual(limit + 64 * KiB);
    expect(reads.socket).toBeLessThan(limit + READ_AHEAD);
  });

  it("a declared Content-Length over the limit: 413 before reading", async () => {
    const res = await fetch(`${app.baseUrl}${path}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: " ".repeat(limit + 1),
    });
    expect(res.status).toBe(413);
    expect(app.reads.get(path)!.pulled).toBe(0);
  });
});
