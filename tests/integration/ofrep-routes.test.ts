// The production OFREP wiring: the App Router's own route handlers (app/ofrep/v1/…/route.ts) with
// their dependencies from lib/flags/server/ofrep-deps.ts — the app's Prisma client, the flag source
// on its own pg pool, the wall clock — against a real PostgreSQL. flags-ofrep.test.ts covers the
// protocol through the handlers with an injected clock; this file covers what the app actually runs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audited } from "@/lib/audit/server/record";
import { createToken } from "@/lib/auth/server/users";
import { seedDemo } from "@/lib/fleet/server/seed";
import { seedDemoFlags } from "@/lib/flags/server/seed";
import { getFlag, updateFlag } from "@/lib/flags/server/store";
import { freshDatabase, type TestDatabase } from "../support/db";

type Single = typeof import("@/app/ofrep/v1/evaluate/flags/[key]/route");
type Bulk = typeof import("@/app/ofrep/v1/evaluate/flags/route");

let t: TestDatabase;
let token: string;
let single: Single;
let bulk: Bulk;
const env = { DATABASE_URL: process.env.DATABASE_URL };
const globals = globalThis as unknown as Record<string, { $disconnect?: () => Promise<void> } | undefined>;

beforeAll(async () => {
  t = await freshDatabase("ofrep_routes");
  await seedDemo(t.prisma, "cellplane");
  // Seeded three days ago: newVoiceCodec's ramp (0% → 5% after a day → 25% after two) is at 25% now.
  await seedDemoFlags(t.prisma, new Date(Date.now() - 3 * 86_400_000));
  ({ token } = await audited(t.prisma, "test", (tx) => createToken(tx, { name: "voice-service", scopes: ["flags:read"] }, "test")));
  // The app reads its database from the environment (lib/env.ts), once: set it before the routes load.
  process.env.DATABASE_URL = t.url;
  single = await import("@/app/ofrep/v1/evaluate/flags/[key]/route");
  bulk = await import("@/app/ofrep/v1/evaluate/flags/route");
});

afterAll(async () => {
  await globals.cellplanePrisma?.$disconnect?.();
  delete globals.cellplanePrisma;
  delete globals.cellplaneFlagSource;
  process.env.DATABASE_URL = env.DATABASE_URL;
  await t?.drop();
});

const request = (path: string, body: unknown, headers: Record<string, string> = { Authorization: `Bearer ${token}` }) =>
  new Request(`http://cellplane.test${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
const evaluateOne = (key: string, body: unknown, headers?: Record<string, string>) =>
  single.POST(request(`/ofrep/v1/evaluate/flags/${encodeURIComponent(key)}`, body, headers), { params: Promise.resolve({ key }) });

describe("the production OFREP routes (app/ofrep/v1 with ofrep-deps)", () => {
  it("evaluate one flag from the database at the wall clock: allowlisted customer, the ramp's step of today, unknown flag, no token", async () => {
    const res = await evaluateOne("newVoiceCodec", { context: { targetingKey: "enterprise-customer-123" } });
    expect(res.status).toBe(200);
    const codec = (await getFlag(t.prisma, "newVoiceCodec"))!;
    expect(await res.json()).toMatchObject({
      key: "newVoiceCodec",
      value: true,
      reason: "TARGETING_MATCH",
      metadata: { version: codec.version },
    });
    // The routes evaluate at the wall clock's now: the ramp's step in force today.
    const split = await evaluateOne("newVoiceCodec", { context: { targetingKey: "customer-not-in-the-registry" } });
    expect(await split.json()).toMatchObject({ reason: "SPLIT", metadata: { percentage: 25 } });
    const missing = await evaluateOne("noSuchFlag", { context: { targetingKey: "enterprise-customer-123" } });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ key: "noSuchFlag", errorCode: "FLAG_NOT_FOUND" });
    expect((await evaluateOne("newVoiceCodec", { context: { targetingKey: "x" } }, {})).status).toBe(401);
  });

  it("bulk: every flag with an ETag, 304 for a matching If-None-Match, a new ETag after a change", async () => {
    const ctx = { context: { targetingKey: "enterprise-customer-123" } };
    const first = await bulk.POST(request("/ofrep/v1/evaluate/flags", ctx));
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag");
    expect(etag).toBeTruthy();
    const { flags } = (await first.json()) as { flags: { key: string }[] };
    expect(flags.map((f) => f.key).sort()).toEqual(
      (await t.prisma.featureFlag.findMany({ select: { key: true }, orderBy: { key: "asc" } })).map((f) => f.key),
    );
    const again = await bulk.POST(request("/ofrep/v1/evaluate/flags", ctx, { Authorization: `Bearer ${token}`, "If-None-Match": etag! }));
    expect(again.status).toBe(304);

    // The kill switch, changed through the store: the next evaluation on the production source sees it.
    const codec = (await getFlag(t.prisma, "newVoiceCodec"))!;
    await t.prisma.$transaction((tx) => updateFlag(tx, "newVoiceCodec", codec.version, { enabled: false }, "toggle", new Date()));
    const changed = await bulk.POST(request("/ofrep/v1/evaluate/flags", ctx, { Authorization: `Bearer ${token}`, "If-None-Match": etag! }));
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
    const off = await evaluateOne("newVoiceCodec", ctx);
    expect(await off.json()).toMatchObject({ value: false, reason: "DISABLED", metadata: { version: codec.version + 1 } });
  });
});
