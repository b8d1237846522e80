import fs from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { apiToken, captureAction, expect, open, replayAction, signInAs, test } from "./fixtures";

// A console on-call can live in: every main page usable at phone width, accessible, free of console
// errors and clipped text; a drawer navigation; a skip link; real 404s; live views; and no
// destructive click (a fleet import that retires cells) without its consequences shown first.
test.describe.configure({ mode: "serial" });

/** Every main page an admin (who sees them all) opens; ids are resolved in beforeAll. */
const pages: string[] = [
  "/",
  "/alerts",
  "/fleet",
  "/fleet/import",
  "/releases",
  "/approvals",
  "/pipelines",
  "/pipelines/standard",
  "/pipelines/import",
  "/flags",
  "/flags/newVoiceCodec",
  "/flags/videoBackgroundBlur", // protected: its change requests
  "/flags/new",
  "/gateway",
  "/gateway/routes/POST/v2/Messages",
  "/gateway/import",
  "/migrations",
  "/migrations/import",
  "/audit",
  "/changes",
  "/settings",
  "/cells/smb-us-1",
  "/cells/smb-us-1/services/sms",
];

let releaseId = "";

test.beforeAll(async ({ browser, baseURL }) => {
  // An active release (its page is a main page, and the one where hydration once failed), and a migration's page if any.
  const token = apiToken(["releases:write"]);
  const ctx = await browser.newContext({ baseURL });
  const res = await ctx.request.post("/api/v1/releases", {
    headers: { Authorization: `Bearer ${token}` },
    data: { pipeline: "standard", versions: { email: `v9.${Date.now() % 100_000}.0` }, title: "console journeys" },
  });
  expect(res.status(), await res.text()).toBe(201);
  releaseId = (await res.json()).id;
  pages.push(`/releases/${releaseId}`);
  await signInAs(ctx.request, "admin");
  const page = await ctx.newPage();
  await open(page, "/migrations");
  const first = page.getByTestId("migration-row").first().getByRole("link");
  if (await first.count()) pages.push((await first.getAttribute("href"))!);
  await ctx.close();
});

test.afterAll(async ({ browser, baseURL }) => {
  // Abort the release this file started: the typed confirmation is part of the journey.
  const ctx = await browser.newContext({ baseURL });
  await signInAs(ctx.request, "release");
  const page = await ctx.newPage();
  await open(page, `/releases/${releaseId}`);
  if (await page.getByRole("button", { name: "Abort release…" }).count()) {
    await page.getByLabel("Reason").fill("console journeys done");
    await page.getByRole("button", { name: "Abort release…" }).click();
    await page.getByLabel("Type the release id to confirm").fill(releaseId);
    await page.getByRole("button", { name: "Abort release", exact: true }).click();
    await expect(page.getByTestId("release-status")).toHaveText("aborted");
  }
  await ctx.close();
});

/** Console errors and uncaught exceptions (hydration mismatches included) while `run` runs. */
async function consoleErrors(page: Page, run: () => Promise<void>): Promise<string[]> {
  const errors: string[] = [];
  const onConsole = (m: { type(): string; text(): string }) => {
    if (m.type() === "error") errors.push(m.text());
  };
  const onError = (e: Error) => errors.push(e.message);
  page.on("console", onConsole);
  page.on("pageerror", onError);
  try {
    await run();
  } finally {
    page.off("console", onConsole);
    page.off("pageerror", onError);
  }
  return errors;
}

/** Elements whose text is cut off: content wider than a box that hides its overflow. */
function clippedText(page: Page) {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>("main *")) {
      if (!el.textContent?.trim() || el.closest("[aria-hidden=true], svg, .sr-only, [data-clip-ok]")) continue;
      const st = getComputedStyle(el);
      const hides = st.overflowX === "hidden" || st.overflowX === "clip" || st.textOverflow === "ellipsis";
      if (!hides || st.display === "none" || el.clientWidth === 0) continue;
      if (el.scrollWidth > el.clientWidth + 1) out.push(`${el.tagName.toLowerCase()}: ${el.textContent.trim().slice(0, 60)}`);
    }
    return out;
  });
}

test.describe("every main page", () => {
  test.setTimeout(600_000);

  test("at 390×844: no horizontal page scroll, the navigation in a drawer, no console error, no serious or critical axe violation", async ({
    page,
    loginAs,
  }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await loginAs("admin");
    const problems: string[] = [];
    for (const url of pages) {
      const errors = await consoleErrors(page, async () => {
        await open(page, url);
        await page.waitForLoadState("networkidle");
      });
      if (errors.length) problems.push(`${url}: console errors: ${errors.join(" | ").slice(0, 300)}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (width > 390) problems.push(`${url}: page is ${width} px wide at a 390 px viewport`);
      if (await page.getByTestId("sidebar").isVisible()) problems.push(`${url}: the sidebar is open at phone width`);
      const axe = await new AxeBuilder({ page }).analyze();
      for (const v of axe.violations.filter((x) => x.impact === "serious" || x.impact === "critical"))
        problems.push(`${url}: axe ${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`.slice(0, 400));
    }
    expect(problems).toEqual([]);
  });

  test("at 1440 and 1280 px: no clipped text, no leftover emoji glyphs, no '1 cells'", async ({ page, loginAs }) => {
    await loginAs("admin");
    const problems: string[] = [];
    for (const width of [1440, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      for (const url of pages) {
        await open(page, url);
        await page.waitForLoadState("networkidle");
        for (const c of await clippedText(page)) problems.push(`${width} ${url}: clipped ${c}`);
        const text = await page.locator("body").innerText();
        const emoji = text.match(/[\u{1F300}-\u{1FAFF}\u{2600}-\u{27BF}\u{23E9}-\u{23FA}]/gu);
        if (emoji) problems.push(`${width} ${url}: emoji ${[...new Set(emoji)].join(" ")}`);
        const plural = text.match(/\b1 (cells|customers|gates|alerts|waves|steps|flags|events|routes)\b/g);
        if (plural) problems.push(`${width} ${url}: ${plural.join(", ")}`);
        if (url.startsWith("/cells/") && (await page.getByTestId("runbook-body").count()))
          for (const body of await page.getByTestId("runbook-body").allInnerTexts())
            if (body.includes("`")) problems.push(`${url}: raw backticks in a runbook`);
      }
    }
    expect(problems).toEqual([]);
  });
});

test.describe("the shell", () => {
  test("under 1024 px the navigation is a drawer: the menu button opens it, a link closes it", async ({ page, openAs }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await openAs("sre", "/");
    await expect(page.getByTestId("sidebar")).toBeHidden();
    await page.getByTestId("nav-toggle").click();
    await expect(page.getByTestId("sidebar")).toBeVisible();
    await page.getByTestId("sidebar").getByRole("link", { name: "Alerts" }).click();
    await expect(page).toHaveURL(/\/alerts$/);
    await expect(page.getByTestId("sidebar")).toBeHidden();
    await page.getByTestId("nav-toggle").click();
    await page.keyboard.press("Escape");
    await expect(page.getByTestId("sidebar")).toBeHidden();
    // The heatmap is readable on a phone: it scrolls in its own frame, the page does not.
    await open(page, "/");
    await expect(page.getByTestId("heatmap")).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });

  test("the first Tab reaches a skip link to the main content", async ({ openAs }) => {
    const page = await openAs("viewer", "/");
    await page.keyboard.press("Tab");
    await expect(page.getByTestId("skip-link")).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page.locator("main#main")).toBeFocused();
  });

  test("unknown URLs, cells and releases answer 404 inside the app shell", async ({ page, loginAs }) => {
    await loginAs("viewer");
    for (const url of ["/no/such/page", "/cells/nope", "/releases/99999", "/flags/nope", "/migrations/nope"]) {
      const res = await page.goto(url);
      expect(res?.status(), url).toBe(404);
      await expect(page.getByTestId("not-found")).toBeVisible();
      await expect(page.getByRole("navigation", { name: "Main" })).toBeAttached();
    }
  });
});

test.describe("live views", () => {
  test("/alerts shows a new alert and someone else's acknowledgement without a reload", async ({ openAs, pageAs }) => {
    const page = await openAs("viewer", "/alerts");
    await expect(page.getByTestId("live-updated")).toHaveText(/updated \d+ s ago/);
    const type = `e2e_live_${Date.now().toString(36)}`;
    await expect(page.locator(`[data-testid="alert-group"][data-type="${type}"]`)).toHaveCount(0);
    const token = apiToken(["alerts:write"]);
    const sent = await page.request.post("/api/v1/alerts", {
      headers: { Authorization: `Bearer ${token}` },
      data: { type, cell: "smb-us-2", severity: "warning", summary: "live journey", status: "firing", dedupKey: type },
    });
    expect(sent.status(), await sent.text()).toBeLessThan(300);
    const group = page.locator(`[data-testid="alert-group"][data-type="${type}"]`);
    await expect(group).toBeVisible({ timeout: 15_000 });

    // An SRE acknowledges it in another browser: the viewer's open page shows who and why.
    const sre = await pageAs("sre", "/alerts");
    const theirs = sre.locator(`[data-testid="alert-group"][data-type="${type}"]`);
    await theirs.getByLabel(`Acknowledgement comment for ${type}`).fill("looking into it: INC-77");
    await theirs.getByRole("button", { name: /Acknowledge/ }).click();
    await expect(theirs.getByTestId("group-ack")).toContainText("INC-77");
    await sre.context().close();
    await expect(group.getByTestId("group-ack")).toContainText("INC-77", { timeout: 15_000 });
    await page.request.post("/api/v1/alerts", {
      headers: { Authorization: `Bearer ${token}` },
      data: { type, cell: "smb-us-2", severity: "warning", summary: "live journey", status: "resolved", dedupKey: type },
    });
    await expect(group).toHaveCount(0, { timeout: 15_000 });
  });
});

test.describe("small things", () => {
  test("the release form starts on the standard pipeline with no service chosen", async ({ openAs }) => {
    const page = await openAs("release", "/releases");
    const form = page.getByTestId("start-release");
    await expect(form.locator('select[name="pipeline"]')).toHaveValue("standard");
    await expect(form.locator('select[name="service"]')).toHaveValue("");
  });

  test("the heatmap's version filter keeps the cells that run that version", async ({ openAs }) => {
    const page = await openAs("viewer", "/");
    const all = await page.locator('[data-testid^="tile-"][data-testid$="-sms"]').count();
    const option = await page.getByLabel("Version").locator("option").nth(1).getAttribute("value");
    expect(option).toMatch(/@/);
    await open(page, `/?version=${encodeURIComponent(option!)}`);
    const matrix = page.getByTestId("matrix-row");
    const kept = await page.locator('[data-testid^="tile-"][data-testid$="-sms"]').count();
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBe(await matrix.count());
    expect(kept).toBeLessThanOrEqual(all);
    await open(page, "/?version=sms@v0.0.0-none");
    await expect(page.locator('[data-testid^="tile-"][data-testid$="-sms"]')).toHaveCount(0);
  });
});

test.describe("fleet import shows what it retires", () => {
  const FLEET = fs.readFileSync("examples/fleet.yaml", "utf8");
  const oneCell = `template:\n  services: [sms, voice, video, whatsapp, email]\n\ncells:\n  - { id: smb-us-1, tier: smb, region: us-east-1 }\n`;

  test("a one-cell file: Import waits for the preview, the preview names the enterprise customers in red, and retiring needs the count typed", async ({
    openAs,
  }) => {
    const page = await openAs("admin", "/fleet/import");
    await page.getByLabel("Fleet YAML").fill(oneCell);
    const importButton = page.getByRole("button", { name: "Import" });
    await expect(importButton).toBeDisabled(); // no import without a preview
    await page.getByRole("button", { name: "Preview changes" }).click();
    await expect(page.getByTestId("retire-warning")).toContainText("15 cells would be retired");
    await expect(page.getByTestId("import-result").locator("[data-removes]")).toHaveAttribute("data-removes", "true");
    const confirm = page.getByTestId("retire-confirmation");
    await expect(confirm.getByTestId("consequences-enterprise")).toContainText("enterprise-us-hipaa");
    await expect(importButton).toBeDisabled();
    await confirm.getByLabel("Type to confirm the retirement").fill("retire 14 cells");
    await expect(importButton).toBeDisabled();
    // Changing the text after the preview asks for a new preview.
    await page.getByLabel("Fleet YAML").fill(`${oneCell}\n`);
    await expect(page.getByTestId("preview-first")).toBeVisible();
    await expect(importButton).toBeDisabled();
  });

  test("the server refuses an import that retires cells without the typed confirmation; with it, the retirement is applied (then undone)", async ({
    openAs,
  }) => {
    const page = await openAs("admin", "/fleet/import");
    const retireOne = FLEET.replace(/\n {2}- \{ id: smb-ap-3.*\n/, "\n");
    await page.getByLabel("Fleet YAML").fill(retireOne);
    const preview = await captureAction(page, () => page.getByRole("button", { name: "Preview changes" }).click());
    await expect(page.getByTestId("retire-warning")).toContainText("1 cell would be retired");
    // The same request as an apply, without the confirmation: refused, nothing changed.
    const body = preview.body.replace(/(name="(?:_\d+_)?mode"\r\n\r\n)preview/, "$1apply");
    const refused = await replayAction(page.request, preview, body);
    expect(refused.text).toContain("retire 1 cell");
    await open(page, "/fleet");
    await expect(page.getByTestId("fleet-row")).toHaveCount(16);

    await open(page, "/fleet/import");
    await page.getByLabel("Fleet YAML").fill(retireOne);
    await page.getByRole("button", { name: "Preview changes" }).click();
    await page.getByLabel("Type to confirm the retirement").fill("retire 1 cell");
    await page.getByRole("button", { name: "Import" }).click();
    await expect(page.getByTestId("import-success")).toContainText("Imported 15 cells.");
    // Back to the demo fleet (a re-activation retires nothing).
    await page.getByLabel("Fleet YAML").fill(FLEET);
    await page.getByRole("button", { name: "Preview changes" }).click();
    await expect(page.getByTestId("retire-warning")).toHaveCount(0);
    await page.getByRole("button", { name: "Import" }).click();
    await expect(page.getByTestId("import-success")).toContainText("Imported 16 cells.");
  });
});
