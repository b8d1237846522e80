import { test as base, expect, type APIRequestContext, type Page } from "@playwright/test";

export const PASSWORD = "cellplane";
export const USERS = {
  viewer: { email: "viewer@cellplane.local", name: "Vera Viewer", role: "Viewer" },
  sre: { email: "sre@cellplane.local", name: "Sam Reyes", role: "SRE" },
  release: { email: "release@cellplane.local", name: "Riley Morgan", role: "Release manager" },
  release2: { email: "release2@cellplane.local", name: "Robin Okafor", role: "Release manager" },
  product: { email: "product@cellplane.local", name: "Priya Natarajan", role: "Product owner" },
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

export const test = base.extend<{ loginAs: (who: DemoUser) => Promise<Page> }>({
  loginAs: async ({ page }, use) => {
    await use(async (who) => {
      await signInAs(page.request, who);
      return page;
    });
  },
});

export { expect };
