// One bad evaluation request never hurts its neighbours. Contexts that cannot be right (control
// characters, NUL included; a targeting key over 256 characters) are 400 INVALID_CONTEXT before
// any SQL; and should a batched read fail anyway, its requests are retried singly, so only the one
// whose own statement fails gets the error.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audited } from "@/lib/audit/server/record";
import { createToken } from "@/lib/auth/server/users";
import { seedDemo } from "@/lib/fleet/server/seed";
import { MAX_TARGETING_KEY } from "@/lib/flags/ofrep";
import { seedDemoFlags } from "@/lib/flags/server/seed";
import { countingFlagSource } from "../support/flag-source";
import { freshDatabase, type TestDatabase } from "../support/db";
import { type OfrepTestServer, startOfrepServer } from "../support/ofrep-server";

let t: TestDatabase;
let srv: OfrepTestServer;
let token: string;
let customers: string[];
/** Every customer id list the flag source's statement was run with. */
const statements: string[][] = [];

beforeAll(async () => {
  t = await freshDatabase("ofrep_isolation");
  await seedDemo(t.prisma, "cellplane");
  await seedDemoFlags(t.prisma, new Date("2026-12-01T09:00:00Z"));
  ({ token } = await audited(t.prisma, "test", (tx) => createToken(tx, { name: "svc", scopes: ["flags:read"] }, "test")));
  customers = (await t.prisma.customer.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((c) => c.id);
  srv = await startOfrepServer(t.prisma, t.url, new Date("2026-12-02T10:00:00Z"), (q) => (sql, params, name) => {
    statements.push(params[0] as string[]);
    return q(sql, params, name);
  });
});
afterAll(async () => {
  await srv?.close();
  await t?.drop();
});

const evaluate = (targetingKey: unknown, path = "/ofrep/v1/evaluate/flags/newVoiceCodec", extra: Record<string, unknown> = {}) =>
  fetch(`${srv.baseUrl}${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ context: { targetingKey, ...extra } }),
  });

describe("invalid contexts: 400 INVALID_CONTEXT before any SQL", () => {
  it.each([
    ["a NUL byte in the targeting key", "customer-1\u0000", {}],
    ["another control character", "customer-\u0001", {}],
    ["DEL", "customer-\u007f", {}],
    ["a C1 control character", "customer-\u0085", {}],
    ["a targeting key over the limit", "c".repeat(MAX_TARGETING_KEY + 1), {}],
    ["a control character in another attribute", "customer-1", { region: "eu\u0000" }],
  ])("%s", async (_n, key, extra) => {
    for (const path of ["/ofrep/v1/evaluate/flags/newVoiceCodec", "/ofrep/v1/evaluate/flags"]) {
      const before = statements.length;
      const res = await evaluate(key, path, extra);
      expect(res.status, path).toBe(400);
      expect(await res.json()).toMatchObject({ errorCode: "INVALID_CONTEXT", errorDetails: expect.stringMatching(/context\.|control/) });
      expect(statements.length, "no statement ran").toBe(before);
    }
  });

  it(`a targeting key of exactly ${MAX_TARGETING_KEY} characters is evaluated`, async () => {
    const res = await evaluate("c".repeat(MAX_TARGETING_KEY));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ key: "newVoiceCodec", reason: "SPLIT" });
  });
});

describe("300 concurrent evaluations, one of them poisoned", () => {
  it("299 × 200 for the honest ones, 400 for the poisoned one", async () => {
    const honest = Array.from({ length: 299 }, (_, i) => customers[i % customers.length]!);
    const requests = honest.map((id) => evaluate(id));
    requests.splice(150, 0, evaluate("poison\u0000"));
    const responses = await Promise.all(requests);
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(299);
    expect(statuses[150]).toBe(400);
    expect(await responses[150]!.json()).toMatchObject({ errorCode: "INVALID_CONTEXT" });
    // Batched: far fewer statements than requests.
    expect(statements.filter((ids) => ids.some((id) => honest.includes(id))).length).toBeLessThan(299);
  });
});

describe("a failing batched statement fails only its own request", () => {
  it("the flag source retries a failed batch singly: 300 reads resolve, the one PostgreSQL refuses is rejected", async () => {
    const { source, statements: batches } = countingFlagSource(t.prisma);
    const honest = Array.from({ length: 300 }, (_, i) => customers[i % customers.length]!);
    // A NUL byte reaches PostgreSQL here (nothing validates below OFREP): its statement fails for real.
    const reads = honest.map((id) => source.read(id));
    reads.splice(100, 0, source.read("poison\u0000"));
    const settled = await Promise.allSettled(reads);
    expect(settled.filter((s) => s.status === "fulfilled")).toHaveLength(300);
    const failed = settled.filter((s) => s.status === "rejected");
    expect(failed).toHaveLength(1);
    expect(settled[100]!.status).toBe("rejected");
    expect(String((failed[0] as PromiseRejectedResult).reason)).toMatch(/0x00|invalid byte sequence/);
    settled.forEach((s, i) => {
      if (s.status === "fulfilled") expect(s.value.home?.cell, `read ${i}`).toBeTruthy();
    });
    expect(batches()).toBeGreaterThan(1);
  });
});
