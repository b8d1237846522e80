import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test as base, type APIRequestContext, type BrowserContext, expect, type Locator, type Page } from "@playwright/test";
import { E2E } from "../playwright.config";

export const PASSWORD = "cellplane";
export const USERS = {
  viewer: { email: "viewer@cellplane.local", name: "Vera Viewer", role: "Viewer" },
  sre: { email: "sre@cellplane.local", name: "Sam Reyes", role: "SRE" },
  release: { email: "release@cellplane.local", name: "Riley Morgan", role: "Release manager" },
  release2: { email: "release2@cellplane.local", name: "Robin Okafor", role: "Release manager" },
  product: { email: "product@cellplane.local", name: "Priya Natarajan", role: "Product owner" },
  product2: { email: "product2@cellplane.local", name: "Kai Lindqvist", role: "Product owner" },
  admin: { email: "admin@cellplane.local", name: "Alex Admin", role: "Admin" },
} as const;
export type DemoUser = keyof typeof USERS;

/** Sign in through next-auth's credentials API (not the form) on this request context. */
export async function signInAs(request: APIRequestContext, who: DemoUser) {
  const { csrfToken } = await (await request.get("/api/auth/csrf")).json();
  const res = await request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email: USERS[who].email, password: PASSWORD, json: "true" },
    maxRedirects: 0,
  });
  expect([200, 302]).toContain(res.status());
  const session = await (await request.get("/api/auth/session")).json();
  expect(session?.user?.email).toBe(USERS[who].email);
}

/**
 * Navigate and wait until streamed segments are revealed: React moves a Suspense boundary's
 * content out of a hidden holder after the load event, so both can briefly exist.
 */
export async function open(page: Page, url: string) {
  await page.goto(url);
  await page.waitForFunction(() => !document.querySelector('div[hidden][id^="S:"]'));
}

/**
 * Fill one input of an `ActionForm` (components/action-form.tsx) and press Save: the form refuses the
 * value, with the action's message beside the button and the field's own error under the input.
 */
export async function expectFieldRefused(form: Locator, name: string, value: string, message: string, fieldError: string) {
  await form.locator(`input[name="${name}"]`).fill(value);
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByTestId("form-error")).toContainText(message);
  await expect(form.getByText(fieldError)).toBeVisible();
}

export const test = base.extend<{
  loginAs: (who: DemoUser) => Promise<Page>;
  /** Sign the test's page in as `who`, then open `url` (see `open`). */
  openAs: (who: DemoUser, url: string) => Promise<Page>;
  /** A browser context of its own signed in as `who` (a second user beside the test's page); closed after the test. */
  sessionAs: (who: DemoUser) => Promise<BrowserContext>;
  /** A page in such a context of its own, signed in as `who`, at `url`. */
  pageAs: (who: DemoUser, url: string) => Promise<Page>;
}>({
  loginAs: async ({ page }, use) => {
    await use(async (who) => {
      await signInAs(page.request, who);
      return page;
    });
  },
  openAs: async ({ page }, use) => {
    await use(async (who, url) => {
      await signInAs(page.request, who);
      await open(page, url);
      return page;
    });
  },
  sessionAs: async ({ browser, baseURL }, use) => {
    const opened: BrowserContext[] = [];
    await use(async (who) => {
      const ctx = await browser.newContext({ baseURL });
      opened.push(ctx);
      await signInAs(ctx.request, who);
      return ctx;
    });
    for (const ctx of opened) await ctx.close();
  },
  pageAs: async ({ sessionAs }, use) => {
    await use(async (who, url) => {
      const page = await (await sessionAs(who)).newPage();
      await open(page, url);
      return page;
    });
  },
});

export { expect };

/** The e2e cluster's owner (superuser) URL: its password is generated into the data folder at start. */
export function adminDatabaseUrl(database = "cellplane"): string {
  const { superuser } = JSON.parse(fs.readFileSync(path.join(E2E.dataDir, "pg-credentials.json"), "utf8")) as { superuser: string };
  return `postgres://cellplane:${encodeURIComponent(superuser)}@127.0.0.1:${E2E.pgPort}/${database}`;
}

/** Run the real CLI against the e2e server's database (it joins the running embedded PostgreSQL). */
export function cli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ["bin/cellplane.mjs", ...args], {
    env: { ...process.env, CELLPLANE_DATA_DIR: E2E.dataDir, CELLPLANE_PG_PORT: String(E2E.pgPort), DATABASE_URL: "" },
    input,
    encoding: "utf8",
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`cellplane ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return r.stdout.trim();
}

/** A fresh API token with the given scopes, created through the CLI. */
export function apiToken(scopes: string[]): string {
  return cli(["token", "create", "--name", `e2e-${scopes.join("-").replace(/:/g, ".")}-${Date.now()}`, "--scopes", scopes.join(",")]);
}

/** Tell the fleet simulator (when it runs) to inject faults; it re-reads this file every tick. */
export function simulatorFaults(faults: unknown[]) {
  fs.mkdirSync(E2E.dataDir, { recursive: true });
  fs.writeFileSync(path.join(E2E.dataDir, "simulator-faults.json"), JSON.stringify({ faults }, null, 2));
}

export interface CapturedAction {
  url: string;
  actionId: string;
  contentType: string;
  body: string;
}

/** Record the real server-action request a click sends (to replay it with another session). */
export async function captureAction(page: Page, click: () => Promise<void>): Promise<CapturedAction> {
  const [req] = await Promise.all([page.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"]), click()]);
  await req.response(); // the action has finished on the server
  return {
    url: req.url(),
    actionId: req.headers()["next-action"]!,
    contentType: req.headers()["content-type"]!,
    body: req.postDataBuffer()!.toString("utf8"),
  };
}

/** Send a captured server action as whoever `request` is signed in as; returns the response text. */
export async function replayAction(request: APIRequestContext, a: CapturedAction, body = a.body) {
  const res = await request.post(a.url, {
    headers: { "Next-Action": a.actionId, "Content-Type": a.contentType, Accept: "text/x-component" },
    data: body,
  });
  return { status: res.status(), text: await res.text() };
}
