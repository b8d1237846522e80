// The HTTP door of the real app server under pressure: a burst of edits of one flag, a saturated
// pool, and huge bodies from callers with and without a token. Real sessions, real server actions
// (replayed as a browser sends them), real HTTP.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { E2E } from "../playwright.config";
import type { Page } from "@playwright/test";
import { adminDatabaseUrl, apiToken, type CapturedAction, captureAction, cli, type DemoUser, expect, replayAction, test } from "./fixtures";

/** A flag of its own for this spec, created through the CLI (flags as code). */
function createFlag(key: string) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cellplane-e2e-")), "flags.yaml");
  fs.writeFileSync(
    file,
    `flags:\n  - key: ${key}\n    description: "burst"\n    owner: "e2e"\n    enabled: true\n    rolloutPercentage: 0\n`,
  );
  cli(["import", "flags", file]);
}

/** What a replayed action answered: saved, one of the door's refusal codes, or something else. */
function outcome(text: string): string {
  if (text.includes('"ok":true')) return "saved";
  const code = /"code":"([A-Z_]+)"/.exec(text)?.[1];
  return code ?? `other: ${text.slice(0, 200)}`;
}

const withVersion = (a: CapturedAction, version: number, percentage: number) =>
  a.body.replace(/"version":\d+/, `"version":${version}`).replace(/"percentage":\d+/, `"percentage":${percentage}`);

/**
 * A flag of its own (`prefix` and a number), its page opened by product@, and the save of a 1%
 * rollout recorded: the action to replay, and the flag's version after it.
 */
async function burstTarget(openAs: (who: DemoUser, url: string) => Promise<Page>, prefix: string) {
  const key = `${prefix}${Date.now() % 1_000_000}`;
  createFlag(key);
  const page = await openAs("product", `/flags/${key}`);
  await page.getByTestId("rollout-input").fill("1");
  const action = await captureAction(page, () => page.getByTestId("rollout-save").click());
  await expect(page.getByTestId("rollout-current")).toHaveText("1%");
  return { page, key, action, version: Number(/"version":(\d+)/.exec(action.body)![1]) + 1 };
}

/** The action replayed 50 times at once, each for the same version and its own percentage: what each answered. */
const burst = (page: Page, action: CapturedAction, version: number) =>
  Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      replayAction(page.request, action, withVersion(action, version, i + 2)).then((r) => outcome(r.text)),
    ),
  );

test.describe("the door under a burst", () => {
  test("50 concurrent edits of one flag at one version: exactly 1 saved, 49 told it changed under them, none failed", async ({
    openAs,
  }) => {
    const { page, key, action, version } = await burstTarget(openAs, "e2eBurst");
    const outcomes = await burst(page, action, version);
    const count = (o: string) => outcomes.filter((x) => x === o).length;
    expect(outcomes.filter((o) => o !== "saved" && o !== "CONFLICT")).toEqual([]);
    expect(count("saved")).toBe(1);
    expect(count("CONFLICT")).toBe(49);
    const flags = await (await page.request.get("/api/v1/flags")).json();
    expect(flags.flags.find((f: { key: string }) => f.key === key)).toMatchObject({ version: version + 1 });
  });

  test("the same burst meeting a row held for 3 s by another transaction: still 1 saved, 49 CONFLICT, none failed", async ({ openAs }) => {
    // The edits that get a connection wait for the row, holding it; the rest wait for a connection
    // for those 3 s — longer than Prisma's default 2 s start timeout, within the pool's wait (10 s).
    const { page, key, action, version } = await burstTarget(openAs, "e2eHeld");
    const holder = new pg.Client({ connectionString: adminDatabaseUrl() });
    await holder.connect();
    let outcomes: string[] = [];
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT 1 FROM feature_flags WHERE key = $1 FOR UPDATE", [key]);
      const answers = burst(page, action, version);
      await holder.query("SELECT pg_sleep(3)");
      await holder.query("ROLLBACK");
      outcomes = await answers;
    } finally {
      await holder.end();
    }
    expect(outcomes.filter((o) => o !== "saved" && o !== "CONFLICT")).toEqual([]);
    expect(outcomes.filter((o) => o === "saved")).toHaveLength(1);
  });

  test("a saturated pool answers BUSY (retry), never 'Something went wrong'", async ({ openAs }) => {
    test.setTimeout(120_000);
    const { page, key, action, version } = await burstTarget(openAs, "e2eBusy");
    // Hold the flag's row: every edit that gets a connection waits for it, holding that connection,
    // until the requests pool (10) is full; the edits after those wait for a connection, then are
    // told the app is busy.
    const holder = new pg.Client({ connectionString: adminDatabaseUrl() });
    await holder.connect();
    const outcomes: string[] = [];
    const texts: string[] = [];
    let pending: Promise<unknown>[] = [];
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT 1 FROM feature_flags WHERE key = $1 FOR UPDATE", [key]);
      pending = Array.from({ length: 14 }, (_, i) =>
        replayAction(page.request, action, withVersion(action, version, i + 2)).then((r) => {
          outcomes.push(outcome(r.text));
          texts.push(r.text);
        }),
      );
      await expect.poll(() => outcomes.filter((o) => o === "BUSY").length, { timeout: 60_000 }).toBeGreaterThan(0);
    } finally {
      await holder.query("ROLLBACK").catch(() => {});
      await holder.end();
    }
    await Promise.all(pending);
    expect(outcomes.filter((o) => !["saved", "CONFLICT", "BUSY"].includes(o))).toEqual([]);
    expect(outcomes.filter((o) => o === "saved")).toHaveLength(1);
    // What the page shows: a message that says to try again, not "Something went wrong".
    const busy = texts.find((t) => outcome(t) === "BUSY")!;
    expect(busy).toContain("Try again in a moment");
    expect(texts.join("\n")).not.toContain("Something went wrong");
  });
});

interface HugeResult {
  status: number;
  connection: string | undefined;
  sentMiB: number;
}

/** POST up to 256 MiB, generated as it is sent, and stop at the answer. */
function postHuge(urlPath: string, headers: Record<string, string>): Promise<HugeResult> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const req = http.request(new URL(urlPath, E2E.baseURL), {
      method: "POST",
      agent: false,
      headers: { "Content-Type": "application/json", ...headers },
    });
    req.on("response", (res) => {
      answered = true;
      res.resume();
      res.on("end", () => {
        resolve({ status: res.statusCode!, connection: res.headers.connection, sentMiB: sent / 1024 / 1024 });
        req.destroy();
      });
    });
    req.on("error", (e) => !answered && reject(e));
    const pump = () => {
      while (!answered && sent < 256 * 1024 * 1024) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    req.write("{");
    pump();
  });
}

test.describe("bodies at the real app server", () => {
  for (const [name, urlPath] of [
    ["OFREP", "/ofrep/v1/evaluate/flags"],
    ["telemetry (direct path)", "/api/v1/telemetry"],
    ["an API route (readJson)", "/api/v1/alerts"],
  ] as [string, string][]) {
    test(`${name}: a 256 MiB chunked body is refused early, 401 without a token and 413 with one`, async () => {
      const anonymous = await postHuge(urlPath, {});
      expect(anonymous).toMatchObject({ status: 401, connection: "close" });
      // What the client managed to send before the answer: socket buffers, not the body.
      expect(anonymous.sentMiB).toBeLessThan(32);
      const token = apiToken(["flags:read", "telemetry:write", "alerts:write"]);
      const withToken = await postHuge(urlPath, { Authorization: `Bearer ${token}` });
      expect(withToken).toMatchObject({ status: 413, connection: "close" });
      expect(withToken.sentMiB).toBeLessThan(40);
    });
  }
});

test("API routes that take a session still take one", async ({ sessionAs }) => {
  const ctx = await sessionAs("viewer");
  expect((await ctx.request.get("/api/v1/fleet/health")).status()).toBe(200);
  await ctx.close();
});
