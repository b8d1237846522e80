// Sign-in throttling against a real PostgreSQL: atomic under a burst, per account + address and per
// address, never a lock-out of the account itself.
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/passwords";
import { signInWithPassword } from "@/lib/auth/server/sign-in";
import { createLoginThrottle } from "@/lib/auth/server/throttle";
import { LOGIN_THROTTLE } from "@/lib/auth/throttle-policy";
import { freshDatabase, type TestDatabase } from "../support/db";

let t: TestDatabase;
let pool: pg.Pool;
const VICTIM = "victim@example.com";

beforeAll(async () => {
  t = await freshDatabase("throttle");
  pool = new pg.Pool({ connectionString: t.url, max: 8 });
  await t.prisma.user.create({
    data: { email: VICTIM, name: "Victim", role: "ADMIN", passwordHash: await hashPassword("right-password") },
  });
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});
beforeEach(async () => {
  await t.query("DELETE FROM login_throttle");
});

const attempt = (password: string, address: string, email = VICTIM, policy = LOGIN_THROTTLE) =>
  signInWithPassword(t.prisma, createLoginThrottle(pool, policy), { email, password, address });
// Waits long enough that a loaded machine cannot let one run out between two statements.
const SLOW = { ...LOGIN_THROTTLE, firstDelaySeconds: 600 };

describe("sign-in throttling", () => {
  it("a burst of 40 wrong passwords from one address checks at most a handful of them", async () => {
    const results = await Promise.all(Array.from({ length: 40 }, () => attempt("wrong", "10.0.0.66")));
    const checked = results.filter((r) => !r.ok && r.reason === "invalid").length;
    const throttled = results.filter((r) => !r.ok && r.reason === "throttled");
    expect(checked).toBeGreaterThanOrEqual(LOGIN_THROTTLE.freeFailures);
    expect(checked).toBeLessThanOrEqual(LOGIN_THROTTLE.freeFailures + 2);
    expect(checked + throttled.length).toBe(40);
    for (const r of throttled) expect(r.ok === false && r.reason === "throttled" && r.retryAfterSeconds).toBeGreaterThan(0);
  });

  it("the account still signs in from another address during a flood from one address", async () => {
    await Promise.all(Array.from({ length: 30 }, () => attempt("wrong", "10.0.0.66")));
    expect((await attempt("wrong", "10.0.0.66")).ok).toBe(false);
    const r = await attempt("right-password", "192.0.2.10");
    expect(r.ok).toBe(true);
  });

  it("the right password from the flooding address is refused while it waits, and says for how long", async () => {
    for (let i = 0; i < SLOW.freeFailures + 1; i++)
      expect(await attempt("wrong", "10.0.0.67", VICTIM, SLOW)).toMatchObject({ reason: "invalid" });
    const r = await attempt("right-password", "10.0.0.67", VICTIM, SLOW);
    expect(r).toMatchObject({ ok: false, reason: "throttled" });
    const wait = r.ok === false && r.reason === "throttled" ? r.retryAfterSeconds : 0;
    expect(wait).toBeGreaterThan(500);
    expect(wait).toBeLessThanOrEqual(600);
  });

  it("a success clears the consecutive failures of that account and address", async () => {
    for (let i = 0; i < LOGIN_THROTTLE.freeFailures; i++) await attempt("wrong", "10.0.0.68");
    expect((await attempt("right-password", "10.0.0.68")).ok).toBe(true);
    for (let i = 0; i < LOGIN_THROTTLE.freeFailures; i++) expect(await attempt("wrong", "10.0.0.68")).toMatchObject({ reason: "invalid" });
  });

  it("one address is limited across accounts", async () => {
    const rounds = LOGIN_THROTTLE.addressFailures;
    for (let i = 0; i < rounds; i++)
      expect(await attempt("wrong", "10.0.0.69", `nobody${i}@example.com`)).toMatchObject({ reason: "invalid" });
    const r = await attempt("right-password", "10.0.0.69");
    expect(r).toMatchObject({ ok: false, reason: "throttled" });
    expect(r.ok === false && r.reason === "throttled" && r.retryAfterSeconds).toBeGreaterThan(60);
    expect((await attempt("right-password", "10.0.0.70")).ok).toBe(true);
  });
});
