// OFREP over real HTTP with a stock OpenFeature client: @openfeature/server-sdk + the OFREP provider
// for single evaluations, @openfeature/ofrep-core's OFREPApi (what OFREP providers use) for bulk.
import { OFREPApi } from "@openfeature/ofrep-core";
import { OFREPProvider } from "@openfeature/ofrep-provider";
import { OpenFeature, type Client } from "@openfeature/server-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audited } from "@/lib/audit/server/record";
import { createToken } from "@/lib/auth/server/users";
import { seedDemo } from "@/lib/fleet/server/seed";
import { bucketOf } from "@/lib/flags/bucket";
import { seedDemoFlags } from "@/lib/flags/server/seed";
import { createFlagSource } from "@/lib/flags/server/source";
import { getFlag, updateFlag } from "@/lib/flags/server/store";
import { countingFlagSource } from "../support/flag-source";
import { freshDatabase, type TestDatabase } from "../support/db";
import { startOfrepServer, type OfrepTestServer } from "../support/ofrep-server";

const DAY = 86_400_000;
const SEEDED_AT = new Date("2026-12-01T09:00:00Z");
let t: TestDatabase;
let srv: OfrepTestServer;
let token: string;
let client: Client;

// Demo customers around newVoiceCodec's ramp: bucket ≤ 5, in (5, 25], above 25.
let early: string, middle: string, late: string;

beforeAll(async () => {
  t = await freshDatabase("ofrep");
  await seedDemo(t.prisma, "cellplane");
  await seedDemoFlags(t.prisma, SEEDED_AT);
  ({ token } = await audited(t.prisma, "test", (tx) => createToken(tx, { name: "voice-service", scopes: ["flags:read"] }, "test")));
  await audited(t.prisma, "test", (tx) => createToken(tx, { name: "gateway", scopes: ["gateway:read"] }, "test"));
  const ids = (await t.prisma.customer.findMany({ select: { id: true }, orderBy: { id: "asc" } }))
    .map((c) => c.id)
    .filter((id) => id !== "enterprise-customer-123");
  const b = (id: string) => bucketOf("newVoiceCodec", id);
  early = ids.find((id) => b(id) <= 5)!;
  middle = ids.find((id) => b(id) > 5 && b(id) <= 25)!;
  late = ids.find((id) => b(id) > 25)!;
  expect([early, middle, late].every(Boolean)).toBe(true);
  srv = await startOfrepServer(t.prisma, t.url, new Date(SEEDED_AT.getTime() + 3_600_000));
  await OpenFeature.setProviderAndWait(
    "cellplane",
    new OFREPProvider({ baseUrl: srv.baseUrl, headers: { Authorization: `Bearer ${token}` } }),
  );
  client = OpenFeature.getClient("cellplane");
});

afterAll(async () => {
  await OpenFeature.close();
  await srv?.close();
  await t?.drop();
});

const post = (path: string, body: unknown, headers: Record<string, string> = { Authorization: `Bearer ${token}` }) =>
  fetch(`${srv.baseUrl}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("OFREP single evaluation through the OpenFeature server SDK", () => {
  it("allowlisted customer: true, TARGETING_MATCH", async () => {
    const d = await client.getBooleanDetails("newVoiceCodec", false, { targetingKey: "enterprise-customer-123" });
    expect(d).toMatchObject({ value: true, reason: "TARGETING_MATCH", variant: "on", flagKey: "newVoiceCodec" });
    expect(d.errorCode).toBeUndefined();
  });

  it("follows the schedule over the week: day 1 0%, day 2 5%, day 3 25%, day 7 100%", async () => {
    const at = async (ms: number, id: string) => {
      srv.clock.now = new Date(SEEDED_AT.getTime() + ms);
      return client.getBooleanDetails("newVoiceCodec", false, { targetingKey: id });
    };
    expect(await at(3_600_000, early)).toMatchObject({ value: false, reason: "SPLIT", flagMetadata: { percentage: 0 } });
    expect(await at(DAY - 1, early)).toMatchObject({ value: false, reason: "SPLIT" });
    expect(await at(DAY, early)).toMatchObject({ value: true, reason: "SPLIT", flagMetadata: { percentage: 5 } });
    expect(await at(DAY, middle)).toMatchObject({ value: false, reason: "SPLIT" });
    expect(await at(2 * DAY, middle)).toMatchObject({ value: true, flagMetadata: { percentage: 25 } });
    expect(await at(2 * DAY, late)).toMatchObject({ value: false });
    expect(await at(6 * DAY, late)).toMatchObject({ value: true, flagMetadata: { percentage: 100 } });
    srv.clock.now = new Date(SEEDED_AT.getTime() + 3_600_000);
  });

  it("targeting from the registry: whatsappRichMedia only for SMB customers homed in Europe", async () => {
    const eu = await t.prisma.customer.findFirst({
      where: { homeCell: { tier: "smb", region: { in: ["eu-west-1", "eu-central-1"] } } },
      select: { id: true },
    });
    const us = await t.prisma.customer.findFirst({ where: { homeCell: { tier: "smb", region: "us-east-1" } }, select: { id: true } });
    const d1 = await client.getBooleanDetails("whatsappRichMedia", false, { targetingKey: us!.id });
    expect(d1).toMatchObject({ value: false, reason: "DEFAULT" });
    const d2 = await client.getBooleanDetails("whatsappRichMedia", false, { targetingKey: eu!.id, region: "us-east-1" });
    expect(d2.reason).toBe("SPLIT"); // the registry's home cell wins over the context
    // A customer Cellplane does not know is targeted by the context's own attributes.
    const d3 = await client.getBooleanDetails("whatsappRichMedia", false, { targetingKey: "external-1", tier: "smb", region: "eu-west-1" });
    expect(d3.reason).toBe("SPLIT");
  });

  it("disabled flag: false, DISABLED — even for an allowlisted customer", async () => {
    const d = await client.getBooleanDetails("videoBackgroundBlur", true, { targetingKey: "enterprise-customer-123" });
    expect(d).toMatchObject({ value: false, reason: "DISABLED" });
  });

  it("unknown flag: FLAG_NOT_FOUND, the code default", async () => {
    const d = await client.getBooleanDetails("noSuchFlag", true, { targetingKey: "x" });
    expect(d).toMatchObject({ value: true, reason: "ERROR", errorCode: "FLAG_NOT_FOUND" });
  });

  it("missing targeting key: TARGETING_KEY_MISSING, the code default", async () => {
    const d = await client.getBooleanDetails("newVoiceCodec", true, {});
    expect(d).toMatchObject({ value: true, reason: "ERROR", errorCode: "TARGETING_KEY_MISSING" });
  });

  it("a change made in Cellplane is seen by the next evaluation (the kill switch)", async () => {
    const before = await getFlag(t.prisma, "newVoiceCodec");
    await t.prisma.$transaction((tx) => updateFlag(tx, "newVoiceCodec", before!.version, { enabled: false }, "toggle", new Date()));
    expect(await client.getBooleanDetails("newVoiceCodec", true, { targetingKey: "enterprise-customer-123" })).toMatchObject({
      value: false,
      reason: "DISABLED",
    });
    await t.prisma.$transaction((tx) => updateFlag(tx, "newVoiceCodec", before!.version + 1, { enabled: true }, "toggle", new Date()));
    expect(await client.getBooleanDetails("newVoiceCodec", false, { targetingKey: "enterprise-customer-123" })).toMatchObject({
      value: true,
    });
  });

  it("without a valid token the SDK gets an error and the code default", async () => {
    await OpenFeature.setProviderAndWait("anonymous", new OFREPProvider({ baseUrl: srv.baseUrl }));
    const d = await OpenFeature.getClient("anonymous").getBooleanDetails("newVoiceCodec", true, {
      targetingKey: "enterprise-customer-123",
    });
    expect(d).toMatchObject({ value: true, reason: "ERROR" });
  });
});

describe("OFREP wire format (the protocol's shapes)", () => {
  it("200 single: { key, value, reason, variant, metadata }", async () => {
    const res = await post("/ofrep/v1/evaluate/flags/newVoiceCodec", { context: { targetingKey: "enterprise-customer-123" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      key: "newVoiceCodec",
      value: true,
      reason: "TARGETING_MATCH",
      variant: "on",
      metadata: { version: expect.any(Number), allowlisted: true },
    });
  });

  it.each([
    [
      "unknown flag → 404 FLAG_NOT_FOUND",
      "/ofrep/v1/evaluate/flags/nope",
      { context: { targetingKey: "x" } },
      404,
      { key: "nope", errorCode: "FLAG_NOT_FOUND" },
    ],
    [
      "no targeting key → 400 TARGETING_KEY_MISSING",
      "/ofrep/v1/evaluate/flags/newVoiceCodec",
      { context: {} },
      400,
      { key: "newVoiceCodec", errorCode: "TARGETING_KEY_MISSING" },
    ],
    [
      "no context → 400 TARGETING_KEY_MISSING",
      "/ofrep/v1/evaluate/flags/newVoiceCodec",
      {},
      400,
      { key: "newVoiceCodec", errorCode: "TARGETING_KEY_MISSING" },
    ],
    [
      "targeting key a number → 400 INVALID_CONTEXT",
      "/ofrep/v1/evaluate/flags/newVoiceCodec",
      { context: { targetingKey: 7 } },
      400,
      { key: "newVoiceCodec", errorCode: "INVALID_CONTEXT" },
    ],
    [
      "context a string → 400 INVALID_CONTEXT",
      "/ofrep/v1/evaluate/flags/newVoiceCodec",
      { context: "x" },
      400,
      { key: "newVoiceCodec", errorCode: "INVALID_CONTEXT" },
    ],
    [
      "not JSON → 400 PARSE_ERROR",
      "/ofrep/v1/evaluate/flags/newVoiceCodec",
      "{nope",
      400,
      { key: "newVoiceCodec", errorCode: "PARSE_ERROR" },
    ],
    ["bulk without targeting key → 400", "/ofrep/v1/evaluate/flags", { context: {} }, 400, { errorCode: "TARGETING_KEY_MISSING" }],
    ["bulk with a bad context → 400 INVALID_CONTEXT", "/ofrep/v1/evaluate/flags", { context: [1] }, 400, { errorCode: "INVALID_CONTEXT" }],
  ])("%s", async (_n, path, body, status, shape) => {
    const res = await post(path, body);
    expect(res.status).toBe(status);
    const json = await res.json();
    expect(json).toMatchObject(shape);
    expect(typeof json.errorDetails).toBe("string");
    expect(Object.keys(json).sort()).toEqual(Object.keys({ ...shape, errorDetails: "" }).sort());
  });

  it.each([
    ["no token", 401, {}],
    ["an unknown token", 401, { Authorization: "Bearer cp_not-a-token" }],
    ["a token without flags:read", 403, "gateway"],
    ["the token as X-API-Key", 200, "x-api-key"],
    ["a revoked token", 401, "revoked"],
  ])("%s → %i", async (_n, status, headers) => {
    let h: Record<string, string> = headers as Record<string, string>;
    if (headers === "revoked") {
      const { token: r } = await audited(t.prisma, "test", (tx) =>
        createToken(tx, { name: `old-${Date.now()}`, scopes: ["flags:read"] }, "test"),
      );
      await t.query("UPDATE api_tokens SET revoked_at = now() WHERE token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')", [r]);
      h = { Authorization: `Bearer ${r}` };
    }
    if (headers === "gateway") {
      const { token: g } = await audited(t.prisma, "test", (tx) =>
        createToken(tx, { name: `gw-${Date.now()}`, scopes: ["gateway:read"] }, "test"),
      );
      h = { Authorization: `Bearer ${g}` };
    }
    if (headers === "x-api-key") h = { "X-API-Key": token };
    for (const path of ["/ofrep/v1/evaluate/flags/newVoiceCodec", "/ofrep/v1/evaluate/flags"]) {
      const res = await post(path, { context: { targetingKey: "enterprise-customer-123" } }, h);
      expect(res.status, path).toBe(status);
      if (status === 401) expect(res.headers.get("www-authenticate")).toContain("flags:read");
    }
  });
});

it("records when a token was last used (at most once a minute)", async () => {
  // A token not used before: an accepted token is remembered for a few seconds (lib/auth/server/tokens.ts),
  // so its use is recorded when it is looked up.
  const { token: fresh } = await audited(t.prisma, "test", (tx) => createToken(tx, { name: "used-once", scopes: ["flags:read"] }, "test"));
  expect(
    (await post("/ofrep/v1/evaluate/flags/newVoiceCodec", { context: { targetingKey: "x" } }, { Authorization: `Bearer ${fresh}` })).status,
  ).toBe(200);
  await expect
    .poll(async () => (await t.query<{ at: Date | null }>("SELECT last_used_at AS at FROM api_tokens WHERE name = 'used-once'"))[0]!.at)
    .not.toBeNull();
});

describe("OFREP bulk evaluation with ETag", () => {
  const api = () => new OFREPApi(srv.baseUrl);
  const auth = () => ({ headers: [["Authorization", `Bearer ${token}`]] as [string, string][] });

  it("evaluates every flag for a customer and answers 304 to a matching If-None-Match", async () => {
    srv.clock.now = new Date(SEEDED_AT.getTime() + 3_600_000);
    const first = await api().postBulkEvaluateFlags({ context: { targetingKey: "enterprise-customer-123" } }, auth());
    expect(first.httpStatus).toBe(200);
    const etag = first.httpResponse!.headers.get("etag")!;
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    const flags = (first.value as { flags: { key: string; value?: boolean; reason?: string }[] }).flags;
    expect(flags.map((f) => f.key)).toEqual(["newVoiceCodec", "smsDeliveryReceiptsV2", "videoBackgroundBlur", "whatsappRichMedia"]);
    expect(flags.find((f) => f.key === "newVoiceCodec")).toMatchObject({ value: true, reason: "TARGETING_MATCH" });
    expect(flags.find((f) => f.key === "videoBackgroundBlur")).toMatchObject({ value: false, reason: "DISABLED" });
    expect(flags.find((f) => f.key === "whatsappRichMedia")).toMatchObject({ value: false, reason: "DEFAULT" });

    const again = await api().postBulkEvaluateFlags(
      { context: { targetingKey: "enterprise-customer-123" } },
      { headers: [...auth().headers, ["If-None-Match", etag]] },
    );
    expect(again.httpStatus).toBe(304);
    expect(again.httpResponse!.headers.get("etag")).toBe(etag);

    const other = await api().postBulkEvaluateFlags(
      { context: { targetingKey: early } },
      { headers: [...auth().headers, ["If-None-Match", etag]] },
    );
    expect(other.httpStatus).toBe(200);
  });

  it("a new ETag when a flag changes, and when a scheduled step passes", async () => {
    const ctx = { context: { targetingKey: early } };
    srv.clock.now = new Date(SEEDED_AT.getTime() + DAY - 1);
    const a = await api().postBulkEvaluateFlags(ctx, auth());
    const etagA = a.httpResponse!.headers.get("etag")!;
    expect((a.value as { flags: { key: string; value: boolean }[] }).flags.find((f) => f.key === "newVoiceCodec")!.value).toBe(false);

    srv.clock.now = new Date(SEEDED_AT.getTime() + DAY); // the 5% step
    const b = await api().postBulkEvaluateFlags(ctx, { headers: [...auth().headers, ["If-None-Match", etagA]] });
    expect(b.httpStatus).toBe(200);
    expect((b.value as { flags: { key: string; value: boolean }[] }).flags.find((f) => f.key === "newVoiceCodec")!.value).toBe(true);
    const etagB = b.httpResponse!.headers.get("etag")!;
    expect(etagB).not.toBe(etagA);

    const flag = await getFlag(t.prisma, "smsDeliveryReceiptsV2");
    await t.prisma.$transaction((tx) => updateFlag(tx, "smsDeliveryReceiptsV2", flag!.version, { enabled: false }, "toggle", new Date()));
    const c = await api().postBulkEvaluateFlags(ctx, { headers: [...auth().headers, ["If-None-Match", etagB]] });
    expect(c.httpStatus).toBe(200);
    expect((c.value as { flags: { key: string; reason: string }[] }).flags.find((f) => f.key === "smsDeliveryReceiptsV2")!.reason).toBe(
      "DISABLED",
    );
    expect(c.httpResponse!.headers.get("etag")).not.toBe(etagB);
  });
});

describe("the flag source", () => {
  it("batches concurrent reads into few statements, each answer still right for its customer", async () => {
    const { source, statements } = countingFlagSource(t.prisma);
    const customers = await t.prisma.customer.findMany({ include: { homeCell: true }, take: 40 });
    const readings = await Promise.all(customers.map((c) => source.read(c.id)));
    expect(statements()).toBeLessThan(customers.length / 2);
    readings.forEach((r, i) =>
      expect(r.home).toEqual({
        cell: customers[i]!.homeCellId,
        tier: customers[i]!.homeCell.tier,
        region: customers[i]!.homeCell.region,
        // what the home cell runs, for code prerequisites (the demo seed: every cell on the same versions)
        versions: { sms: "v2.4.0", voice: "v3.1.2", video: "v1.8.0", whatsapp: "v1.12.3", email: "v4.0.1" },
      }),
    );
    expect((await source.read("not-a-customer")).home).toBeNull();
  });

  it("a read issued after a change commits always sees it", async () => {
    const source = createFlagSource(t.prisma);
    const before = (await source.read(null)).snapshot.flags.get("smsDeliveryReceiptsV2")!;
    const concurrent = Array.from({ length: 10 }, () => source.read(null));
    await t.prisma.$transaction((tx) =>
      updateFlag(tx, "smsDeliveryReceiptsV2", before.version, { owner: "sms-team" }, "details", new Date()),
    );
    const after = await source.read(null);
    expect(after.snapshot.flags.get("smsDeliveryReceiptsV2")!.owner).toBe("sms-team");
    await Promise.all(concurrent);
  });
});
