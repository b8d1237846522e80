import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { E2E } from "../playwright.config";
import { captureAction, cli, expect, open, replayAction, test, USERS, type DemoUser } from "./fixtures";

test.describe("sign-in and roles", () => {
  test("signed out, any page redirects to the sign-in page", async ({ page }) => {
    await open(page, "/fleet?tier=smb");
    await expect(page).toHaveURL(/\/login\?callbackUrl=/);
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  });

  test("a wrong password is refused with a message", async ({ page }) => {
    await open(page, "/login");
    await page.getByLabel("Email").fill(USERS.sre.email);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("login-error")).toHaveText("Wrong email or password.");
    await expect(page).toHaveURL(/\/login/);
  });

  for (const who of Object.keys(USERS) as DemoUser[]) {
    test(`${who} signs in through the form and sees their name and role`, async ({ page }) => {
      await open(page, "/login");
      await page.getByLabel("Email").fill(USERS[who].email);
      await page.getByLabel("Password").fill("cellplane");
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByTestId("user-name")).toHaveText(USERS[who].name);
      await expect(page.getByTestId("user-role")).toHaveText(USERS[who].role);
      const session = await (await page.request.get("/api/auth/session")).json();
      expect(session.user.role).toBe(
        {
          viewer: "VIEWER",
          sre: "SRE",
          release: "RELEASE_MANAGER",
          release2: "RELEASE_MANAGER",
          product: "PRODUCT_OWNER",
          product2: "PRODUCT_OWNER",
          admin: "ADMIN",
        }[who],
      );
    });
  }

  for (const callbackUrl of ["//other.host/x", "/\\other.host/x", "https://other.host/x", "/\t/other.host/x"]) {
    test(`after signing in, callbackUrl ${JSON.stringify(callbackUrl)} stays on this origin`, async ({ page, baseURL }) => {
      await open(page, `/login?callbackUrl=${encodeURIComponent(callbackUrl)}`);
      await page.getByLabel("Email").fill(USERS.viewer.email);
      await page.getByLabel("Password").fill("cellplane");
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByTestId("user-name")).toHaveText(USERS.viewer.name);
      expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
      expect(new URL(page.url()).pathname).toBe("/");
    });
  }

  test("after signing in, a same-origin callbackUrl is followed", async ({ page }) => {
    await open(page, `/login?callbackUrl=${encodeURIComponent("/fleet?tier=smb")}`);
    await page.getByLabel("Email").fill(USERS.viewer.email);
    await page.getByLabel("Password").fill("cellplane");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/fleet\?tier=smb$/);
  });

  test("sign-in throttling counts this client however it names itself in X-Forwarded-For", async ({ request }) => {
    const email = `nobody-${Date.now()}@example.com`;
    const errors: string[] = [];
    for (let i = 0; i < 9; i++) {
      const { csrfToken } = await (await request.get("/api/auth/csrf")).json();
      const res = await request.post("/api/auth/callback/credentials", {
        form: { csrfToken, email, password: "wrong", json: "true" },
        headers: { "X-Forwarded-For": `198.51.100.${i}` },
        maxRedirects: 0,
      });
      const location = res.headers().location ?? ((await res.json().catch(() => ({}))) as { url?: string }).url ?? "";
      errors.push(new URL(location, "http://x").searchParams.get("error") ?? "");
    }
    expect(errors.slice(0, 5)).toEqual(Array(5).fill("CredentialsSignin"));
    // Past the free failures each attempt must wait 1 s, 2 s, 4 s… after the last: a fast client is refused.
    expect(errors.slice(6).some((e) => /^Too many failed sign-in attempts\. Try again in \d+ seconds?\.$/.test(e))).toBe(true);
  });

  test("pages allow only scripts carrying the response's nonce, and run without CSP violations", async ({ page, loginAs }) => {
    const violations: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" && /Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await loginAs("sre");
    for (const url of ["/", "/releases", "/flags"]) {
      const res = await page.goto(url);
      const csp = res!.headers()["content-security-policy"]!;
      const scriptSrc = csp.split(";").find((d) => d.trim().startsWith("script-src"))!;
      expect(scriptSrc).not.toContain("'unsafe-inline'");
      const nonce = /'nonce-([^']+)'/.exec(scriptSrc)?.[1];
      expect(nonce, `${url}: ${csp}`).toBeTruthy();
      // Every script the server wrote into a page carries that response's nonce.
      const raw = await page.request.get(url);
      const own = /'nonce-([^']+)'/.exec(raw.headers()["content-security-policy"]!)![1]!;
      const tags = (await raw.text()).match(/<script\b[^>]*>/g) ?? [];
      expect(tags.length).toBeGreaterThan(0);
      for (const tag of tags) expect(tag).toContain(`nonce="${own}"`);
    }
    // Two responses, two nonces.
    const a = (await page.request.get("/")).headers()["content-security-policy"];
    const b = (await page.request.get("/")).headers()["content-security-policy"];
    expect(a).not.toBe(b);
    // The page is alive (hydrated): a client-side control works.
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login/);
    expect(violations).toEqual([]);
  });

  test("sign out returns to the sign-in page and protects pages again", async ({ openAs }) => {
    const page = await openAs("sre", "/fleet");
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login/);
    await open(page, "/audit");
    await expect(page).toHaveURL(/\/login/);
  });

  test("responses carry security headers", async ({ request }) => {
    const res = await request.get("/login");
    const h = res.headers();
    expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(h["x-content-type-options"]).toBe("nosniff");
  });
});

test.describe("fleet", () => {
  test("the fleet page lists the 16 demo cells, filters by tier in the URL, and opens a cell", async ({ openAs }) => {
    const page = await openAs("viewer", "/fleet");
    await expect(page.getByTestId("fleet-row")).toHaveCount(16);
    await page.getByLabel("Tier").selectOption("enterprise");
    await expect(page).toHaveURL(/tier=enterprise/);
    await expect(page.getByTestId("fleet-row")).toHaveCount(3);
    await page.getByRole("link", { name: "enterprise-us-hipaa" }).click();
    await expect(page.getByRole("heading", { name: "enterprise-us-hipaa" })).toBeVisible();
    await expect(page.getByTestId("cell-customers")).toContainText("enterprise-customer-123");
    await expect(page.getByTestId("cell-services")).toContainText("v2.4.0");
  });

  test("a bad fleet YAML shows the line-numbered error and changes nothing", async ({ openAs }) => {
    const page = await openAs("admin", "/fleet");
    await expect(page.getByTestId("fleet-row")).toHaveCount(16);
    await open(page, "/audit?action=fleet.import&actor=admin");
    const importsBefore = (await page.getByText(/\d+ events? ·/).innerText()).split(" ")[0];
    await open(page, "/fleet/import");
    const bad = fs
      .readFileSync("examples/fleet.yaml", "utf8")
      .replace("{ id: smb-us-2,                tier: smb,", "{ id: smb-us-2,                tier: platinum,");
    await page.getByLabel("Fleet YAML").fill(`${bad}  - { id: BAD_ID, tier: smb, region: x }\n`);
    await expect(page.getByRole("button", { name: "Import" })).toBeDisabled(); // an import always previews first
    await page.getByRole("button", { name: "Preview changes" }).click();
    await expect(page.getByTestId("import-error")).toContainText("Nothing was changed");
    await expect(page.getByTestId("import-errors")).toContainText('line 10: cells[2].tier: unknown tier "platinum"');
    await expect(page.getByTestId("import-errors")).toContainText("line 24: cells[16].id");
    await open(page, "/fleet");
    await expect(page.getByTestId("fleet-row")).toHaveCount(16);
    await open(page, "/audit?action=fleet.import&actor=admin");
    await expect(page.getByText(`${importsBefore} event`)).toBeVisible();
  });

  test("an admin previews and imports a fleet change; it shows in the fleet and the audit log", async ({ openAs }) => {
    const page = await openAs("admin", "/fleet/import");
    const id = `smb-sa-${Date.now() % 100_000}`;
    const next = `${fs.readFileSync("examples/fleet.yaml", "utf8")}  - { id: ${id}, tier: smb, region: sa-east-1 }\n`;
    await page.getByLabel("Fleet YAML").fill(next);
    await page.getByRole("button", { name: "Preview changes" }).click();
    await expect(page.getByTestId("import-success")).toContainText("Preview: 17 cells");
    await expect(page.getByTestId("import-result")).toContainText(`+ cell ${id} (smb, sa-east-1)`);
    await open(page, "/fleet");
    await expect(page.getByTestId("fleet-row")).toHaveCount(16);
    await open(page, "/fleet/import");
    await page.getByLabel("Fleet YAML").fill(next);
    await page.getByRole("button", { name: "Preview changes" }).click();
    await page.getByRole("button", { name: "Import" }).click();
    await expect(page.getByTestId("import-success")).toContainText("Imported 17 cells.");
    await open(page, "/fleet?region=sa-east-1");
    await expect(page.getByTestId("fleet-row")).toHaveCount(1);
    await open(page, `/audit?action=cell.create&actor=admin`);
    await expect(page.getByTestId("audit-row").first()).toContainText(id);
    // Back to the demo fleet for the tests that follow.
    await open(page, "/fleet/import");
    await page.getByLabel("Fleet YAML").fill(fs.readFileSync("examples/fleet.yaml", "utf8"));
    await page.getByRole("button", { name: "Preview changes" }).click();
    await expect(page.getByTestId("import-result")).toContainText(`− cell ${id} (retired)`);
    await page.getByLabel("Type to confirm the retirement").fill("retire 1 cell");
    await page.getByRole("button", { name: "Import" }).click();
    await expect(page.getByTestId("import-success")).toContainText("Imported 16 cells.");
  });

  test("a VIEWER calling the admin-only import action is refused by the server itself", async ({ sessionAs, pageAs }) => {
    // Record the real server-action request an admin's browser sends…
    const admin = await pageAs("admin", "/fleet/import");
    const hostile = fs.readFileSync("examples/fleet.yaml", "utf8").replace(/\n {2}- \{ id: smb-ap-3.*\n/, "\n");
    await admin.getByLabel("Fleet YAML").fill(hostile);
    const captured = await captureAction(admin, () => admin.getByRole("button", { name: "Preview changes" }).click());
    await expect(admin.getByTestId("import-success")).toBeVisible();
    const body = captured.body.replace(/(name="(?:_\d+_)?mode"\r\n\r\n)preview/, "$1apply");
    expect(body).toMatch(/name="(_\d+_)?mode"\r\n\r\napply/);
    await admin.context().close();

    // …and replay it, switched to "apply", with a viewer's session: no button involved.
    const viewerCtx = await sessionAs("viewer");
    const res = await replayAction(viewerCtx.request, captured, body);
    expect(res.status).toBe(200);
    expect(res.text).toContain("FORBIDDEN");
    expect(res.text).toContain("VIEWER");

    // Nothing changed: smb-ap-3 is still active.
    const page = await viewerCtx.newPage();
    await open(page, "/fleet?region=ap-northeast-1");
    await expect(page.getByTestId("fleet-row")).toHaveCount(1);
    await viewerCtx.close();
  });
});

test.describe("audit log", () => {
  test("shows seeded events newest first, filters by actor, and paginates", async ({ openAs }) => {
    const page = await openAs("sre", "/audit");
    await expect(page.getByTestId("audit-row").first()).toBeVisible();
    await page.getByLabel("Actor").fill("system:seed");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page).toHaveURL(/actor=system%3Aseed/);
    await page.waitForFunction(() => !document.querySelector('div[hidden][id^="S:"]'));
    await expect(page.getByTestId("audit-row").first()).toContainText("system:seed");

    // Pages of 50, newest first: page 2 continues where page 1 ends and keeps the filter. 55 flags
    // imported through the CLI make more than a page of flag.create events by one actor.
    const stamp = Date.now().toString(36);
    const file = path.join(E2E.dataDir, `audit-pages-${stamp}.yaml`);
    fs.writeFileSync(file, `flags:\n${Array.from({ length: 55 }, (_, i) => `  - key: auditPage${stamp}-${i}\n`).join("")}`);
    cli(["import", "flags", file]);
    fs.rmSync(file);
    const actor = `cli:${os.userInfo().username}`;
    await open(page, `/audit?actor=${encodeURIComponent(actor)}&action=flag.create`);
    const total = Number((await page.getByText(/^\d+ events? · append-only/).textContent())!.match(/^(\d+)/)![1]);
    expect(total).toBeGreaterThanOrEqual(55);
    const pages = Math.ceil(total / 50);
    await expect(page.getByText(`Page 1 of ${pages}`)).toBeVisible();
    await expect(page.getByTestId("audit-row")).toHaveCount(50);
    const firstPage = await page.getByTestId("audit-row").allTextContents();
    const lastTimeOnPage1 = (await page.getByTestId("audit-row").last().locator("td").first().textContent())!;
    await page.getByRole("link", { name: "Older →" }).click();
    await expect(page).toHaveURL(/[?&]page=2\b/);
    await expect(page).toHaveURL(/[?&]action=flag\.create\b/);
    for (const row of await page.getByTestId("audit-row").allTextContents()) expect(row).toContain(actor);
    await expect(page.getByText(`Page 2 of ${pages}`)).toBeVisible();
    await expect(page.getByTestId("audit-row")).toHaveCount(Math.min(50, total - 50));
    const secondPage = await page.getByTestId("audit-row").allTextContents();
    expect(secondPage).not.toEqual(firstPage.slice(0, secondPage.length));
    const firstTimeOnPage2 = (await page.getByTestId("audit-row").first().locator("td").first().textContent())!;
    expect(firstTimeOnPage2 <= lastTimeOnPage1, `${firstTimeOnPage2} is not after ${lastTimeOnPage1}`).toBe(true);
    await page.getByRole("link", { name: "← Newer" }).click();
    await expect(page.getByText(`Page 1 of ${pages}`)).toBeVisible();
    await expect(page.getByTestId("audit-row").first()).toHaveText(firstPage[0]!);
  });
});
