// A saturated pool is "busy, retry", never "something went wrong": the errors a full pool raises
// (Prisma P2028, node-postgres connect timeouts) are recognised, and every HTTP entry point answers
// them 503 with Retry-After. Pools here are sized through CELLPLANE_DB_POOL like the app's and
// saturated by holding their connections; then a burst of edits of one flag at one version on a
// small pool: exactly one saved, every other one told it changed, no other error.
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audited } from "@/lib/audit/server/record";
import { createToken } from "@/lib/auth/server/users";
import { createPool, createPrisma } from "@/lib/db/client";
import { DomainError, isPoolBusy } from "@/lib/errors";
import { seedDemo } from "@/lib/fleet/server/seed";
import { seedDemoFlags } from "@/lib/flags/server/seed";
import { getFlag, updateFlag } from "@/lib/flags/server/store";
import { type AppHttp, startAppHttp } from "../support/app-http";
import { freshDatabase, type TestDatabase } from "../support/db";

let t: TestDatabase;
let app: AppHttp;
let token: string;
let pools: typeof import("@/lib/db/pools");

beforeAll(async () => {
  t = await freshDatabase("pool_busy");
  await seedDemo(t.prisma, "cellplane-test");
  await seedDemoFlags(t.prisma, new Date("2026-12-01T09:00:00Z"));
  // The app's pools, small, with a short wait so a saturated pool answers quickly.
  app = await startAppHttp(t.url, { CELLPLANE_DB_POOL: "requests=2,telemetry=1,background=1,wait=0.3" });
  pools = await import("@/lib/db/pools");
  ({ token } = await audited(t.prisma, "test", (tx) =>
    createToken(tx, { name: "agent", scopes: ["cells:agent", "telemetry:write", "flags:read", "alerts:write"] }, "test"),
  ));
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

/** Take every connection of a pool until `release` is called. */
async function saturate(pool: pg.Pool, size: number) {
  const held = await Promise.all(Array.from({ length: size }, () => pool.connect()));
  return () => held.forEach((c) => c.release());
}

const auth = () => ({ Authorization: `Bearer ${token}`, "Content-Type": "application/json" });
const sample = (ts: number) =>
  JSON.stringify({ samples: [{ cell: "smb-us-1", service: "sms", ts, errorRate: 0.0002, p99Ms: 150, cpu: 0.3, rps: 80 }] });

describe("isPoolBusy", () => {
  it("recognises what a full pool raises, and nothing else", async () => {
    const pool = createPool(t.url, 1, { waitMs: 200 });
    const prisma = createPrisma(pool, 0, { waitMs: 200 });
    const release = await saturate(pool, 1);
    try {
      const tx = await prisma.$transaction(async (x) => x.$queryRaw`SELECT 1`).catch((e: unknown) => e);
      expect(tx).toMatchObject({ code: "P2028" });
      expect(isPoolBusy(tx)).toBe(true);
      const query = await prisma.featureFlag.findMany().catch((e: unknown) => e);
      expect(isPoolBusy(query)).toBe(true);
      const raw = await pool.query("SELECT 1").catch((e: unknown) => e);
      expect(isPoolBusy(raw)).toBe(true);
    } finally {
      release();
    }
    const nul = await prisma.$queryRawUnsafe("SELECT $1::text", "a\u0000b").catch((e: unknown) => e);
    expect(isPoolBusy(nul)).toBe(false);
    const dup = await t.prisma.user
      .create({ data: { email: "viewer@cellplane.local", name: "x", role: "VIEWER", passwordHash: "x" } })
      .catch((e: unknown) => e);
    expect(isPoolBusy(dup)).toBe(false);
    expect(isPoolBusy(new DomainError("CONFLICT", "changed"))).toBe(false);
    await prisma.$disconnect();
    await pool.end();
  });
});

describe("a saturated pool answers 503 + Retry-After at every entry point", () => {
  it("requests pool: withApi routes and OFREP", async () => {
    // Accepted once, so the token is remembered and the route itself is what waits for a connection.
    expect((await fetch(`${app.baseUrl}/api/v1/cells/smb-us-1/desired`, { headers: auth() })).status).toBe(200);
    const release = await saturate(pools.appPool("requests"), 2);
    try {
      for (const [path, init] of [
        ["/api/v1/cells/smb-us-1/desired", { headers: auth() }],
        [
          "/ofrep/v1/evaluate/flags/newVoiceCodec",
          { method: "POST", headers: auth(), body: JSON.stringify({ context: { targetingKey: "x" } }) },
        ],
        ["/ofrep/v1/evaluate/flags", { method: "POST", headers: auth(), body: JSON.stringify({ context: { targetingKey: "x" } }) }],
        // A write looks its token up afresh: that lookup is what waits here.
        [
          "/api/v1/alerts",
          {
            method: "POST",
            headers: auth(),
            body: JSON.stringify({
              type: "pagerduty",
              cell: "smb-us-1",
              severity: "info",
              summary: "s",
              status: "firing",
              dedupKey: "busy",
            }),
          },
        ],
      ] as [string, RequestInit][]) {
        const res = await fetch(`${app.baseUrl}${path}`, init);
        expect(res.status, path).toBe(503);
        expect(res.headers.get("retry-after"), path).toBe("2");
        expect(await res.text(), path).toMatch(/busy/i);
      }
    } finally {
      release();
    }
    expect((await fetch(`${app.baseUrl}/api/v1/cells/smb-us-1/desired`, { headers: auth() })).status).toBe(200);
  });

  it("telemetry pool: the direct path and the Next.js route; the requests pool is not needed for a remembered token", async () => {
    const ts = Date.now() - 5_000;
    expect((await fetch(`${app.baseUrl}/api/v1/telemetry`, { method: "POST", headers: auth(), body: sample(ts) })).status).toBe(200);
    const release = await saturate(pools.appPool("telemetry"), 1);
    try {
      for (const path of ["/api/v1/telemetry", "/next/api/v1/telemetry"]) {
        const res = await fetch(`${app.baseUrl}${path}`, { method: "POST", headers: auth(), body: sample(ts + 1) });
        expect(res.status, path).toBe(503);
        expect(res.headers.get("retry-after")).toBe("2");
        expect(await res.json()).toMatchObject({ error: { code: "BUSY" } });
      }
    } finally {
      release();
    }
    expect((await fetch(`${app.baseUrl}/api/v1/telemetry`, { method: "POST", headers: auth(), body: sample(ts + 1) })).status).toBe(200);
  });
});

describe("a burst of edits of one flag at one version", () => {
  it("50 at once on a 5-connection pool: exactly 1 saved, 49 told it changed under them, no other error", async () => {
    // As the app's requests pool, with its default wait (10 s): the transactions queue for
    // connections and for the row lock; load changes how long that takes, not the outcome.
    const pool = createPool(t.url, 5, { waitMs: 10_000 });
    const prisma = createPrisma(pool, 0, { waitMs: 10_000 });
    try {
      const flag = (await getFlag(t.prisma, "whatsappRichMedia"))!;
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          prisma
            .$transaction((tx) => updateFlag(tx, "whatsappRichMedia", flag.version, { rolloutPercentage: i + 1 }, "rollout", new Date()))
            .then(
              () => "saved",
              (e: unknown) => (e instanceof DomainError ? e.code : isPoolBusy(e) ? "BUSY" : `ERROR ${String(e)}`),
            ),
        ),
      );
      const count = (o: string) => outcomes.filter((x) => x === o).length;
      expect(count("saved")).toBe(1);
      expect(count("CONFLICT")).toBe(49);
      expect((await getFlag(t.prisma, "whatsappRichMedia"))!.version).toBe(flag.version + 1);
    } finally {
      await prisma.$disconnect();
      await pool.end();
    }
  });
});
