import type { Page } from "@playwright/test";
import { bucketOf } from "../lib/flags/bucket";
import { expect, open, test } from "./fixtures";

/** The demo customers, as offered by the preview's suggestions. */
async function customerIds(page: Page): Promise<string[]> {
  return page.locator("#preview-customers option").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
}

async function setRollout(page: Page, pct: number) {
  await page.getByTestId("rollout-input").fill(String(pct));
  await page.getByTestId("rollout-save").click();
  await expect(page.getByTestId("rollout-current")).toHaveText(`${pct}%`);
}

async function checkCustomer(page: Page, id: string) {
  await page.getByLabel("Customer id to check").fill(id);
  await page.getByRole("button", { name: "Check" }).click();
  await expect(page.getByTestId("preview-result")).toHaveAttribute("data-customer", id);
}

async function ensureOn(page: Page) {
  const sw = page.getByRole("switch");
  if ((await sw.getAttribute("aria-checked")) === "false") {
    await sw.click();
    await expect(page.getByTestId("kill-switch-state")).toHaveText("Serving");
  }
}

const exposed = async (page: Page) => Number((await page.getByTestId("exposure-estimate").innerText()).split(" ")[0]!.replace(/,/g, ""));

test.describe("feature flags", () => {
  test("the flags list shows state, rollout in force, next step and owner", async ({ openAs }) => {
    const page = await openAs("viewer", "/flags");
    const codec = page.locator('[data-flag="newVoiceCodec"]');
    await expect(codec).toBeVisible();
    await expect(codec).toContainText("voice-team");
    await expect(codec.getByTestId("flag-next-step")).toContainText("%");
    await expect(page.locator('[data-flag="videoBackgroundBlur"]').getByTestId("flag-state")).toHaveText("Off");
    await codec.getByRole("link", { name: "newVoiceCodec" }).click();
    await expect(page.getByRole("heading", { name: /newVoiceCodec/ })).toBeVisible();
    await expect(page.getByTestId("ramp-chart")).toBeVisible();
  });

  test("product@ moves newVoiceCodec from 5% to 25%: exposure grows and a customer's preview flips from off to on", async ({ openAs }) => {
    const page = await openAs("product", "/flags/newVoiceCodec");
    await ensureOn(page);
    const ids = await customerIds(page);
    const chosen = ids.find(
      (id) => id !== "enterprise-customer-123" && bucketOf("newVoiceCodec", id) > 5 && bucketOf("newVoiceCodec", id) <= 25,
    )!;
    expect(chosen, "a demo customer with a bucket between 6 and 25").toBeTruthy();

    await setRollout(page, 5);
    await expect(page.getByTestId("exposure-estimate")).toContainText(`of ${ids.length} customers`);
    const at5 = await exposed(page);
    await checkCustomer(page, chosen);
    await expect(page.getByTestId("preview-value")).toHaveText("off");
    await expect(page.getByTestId("preview-reason")).toHaveText("SPLIT");
    await expect(page.getByTestId("preview-explanation")).toContainText(`above the 5% rollout`);

    // Moving the slider shows the estimate before saving.
    await page.getByTestId("rollout-input").fill("25");
    await expect.poll(() => exposed(page)).toBeGreaterThan(at5);
    const at25 = await exposed(page);
    await page.getByTestId("rollout-save").click();
    await expect(page.getByTestId("rollout-current")).toHaveText("25%");
    expect(await exposed(page)).toBe(at25);
    await expect(page.getByTestId("preview-value")).toHaveText("on");
    await expect(page.getByTestId("preview-explanation")).toContainText("within the 25% rollout");

    await expect(page.getByTestId("flag-history-entry").first()).toContainText("rollout 5% → 25%");
    await expect(page.getByTestId("flag-history-entry").first()).toContainText("product@cellplane.local");
    // The list and the read API agree.
    const api = await (await page.request.get("/api/v1/flags")).json();
    expect(api.flags.find((f: { key: string }) => f.key === "newVoiceCodec")).toMatchObject({
      effectivePercentage: 25,
      percentageSource: "manual",
    });
  });

  test("the kill switch turns the flag off for everyone, allowlisted customers included", async ({ openAs }) => {
    const page = await openAs("product", "/flags/newVoiceCodec");
    await ensureOn(page);
    await setRollout(page, 100);
    await checkCustomer(page, "enterprise-customer-123");
    await expect(page.getByTestId("preview-value")).toHaveText("on");
    await expect(page.getByTestId("preview-reason")).toHaveText("TARGETING_MATCH");

    await page.getByRole("switch", { name: "Turn the flag off for everyone" }).click();
    await expect(page.getByTestId("kill-switch-state")).toHaveText("Off for everyone");
    await expect(page.getByTestId("flag-off-banner")).toBeVisible();
    await expect(page.getByTestId("preview-value")).toHaveText("off");
    await expect(page.getByTestId("preview-reason")).toHaveText("DISABLED");
    for (const id of (await customerIds(page)).slice(0, 3)) {
      await checkCustomer(page, id);
      await expect(page.getByTestId("preview-value")).toHaveText("off");
      await expect(page.getByTestId("preview-reason")).toHaveText("DISABLED");
    }
    await open(page, "/flags");
    await expect(page.locator('[data-flag="newVoiceCodec"]').getByTestId("flag-state")).toHaveText("Off");

    await open(page, "/flags/newVoiceCodec");
    await page.getByRole("switch", { name: "Turn the flag on" }).click();
    await expect(page.getByTestId("kill-switch-state")).toHaveText("Serving");
    await expect(page.getByTestId("flag-history-entry").first()).toContainText("switched on");
    await expect(page.getByTestId("flag-history-entry").nth(1)).toContainText("switched off (kill switch)");
  });

  test("a viewer cannot change a flag: the server refuses a replayed action", async ({ sessionAs, pageAs }) => {
    // Record the real server-action request a product owner's browser sends…
    const product = await pageAs("product", "/flags/whatsappRichMedia");
    const target = (await product.getByTestId("rollout-current").innerText()) === "60%" ? 65 : 60;
    await product.getByTestId("rollout-input").fill(String(target));
    const [req] = await Promise.all([
      // The save's own request, not the blast radius preview's (its target is `{kind: "flag", …}`).
      product.waitForRequest(
        (r) => r.method() === "POST" && !!r.headers()["next-action"] && !(r.postData() ?? "").includes('"kind":"flag"'),
      ),
      product.getByTestId("rollout-save").click(),
    ]);
    await expect(product.getByTestId("rollout-current")).toHaveText(`${target}%`);
    const actionId = req.headers()["next-action"]!;
    const sent = req.postData()!;
    const version = Number(/"version":(\d+)/.exec(sent)![1]);
    await product.context().close();

    // …and replay it with a viewer's session, for the current version and another percentage.
    const viewerCtx = await sessionAs("viewer");
    const res = await viewerCtx.request.post("/flags/whatsappRichMedia", {
      headers: { "Next-Action": actionId, "Content-Type": req.headers()["content-type"]!, Accept: "text/x-component" },
      data: sent.replace(`"version":${version}`, `"version":${version + 1}`).replace(`"percentage":${target}`, '"percentage":5'),
    });
    expect(res.status()).toBe(200);
    const text = await res.text();
    expect(text).toContain("FORBIDDEN");
    expect(text).toContain("VIEWER");

    // Nothing changed, and the viewer's page offers no working controls.
    const flags = await (await viewerCtx.request.get("/api/v1/flags")).json();
    expect(flags.flags.find((f: { key: string }) => f.key === "whatsappRichMedia")).toMatchObject({
      effectivePercentage: target,
      version: version + 1,
    });
    const page = await viewerCtx.newPage();
    await open(page, "/flags/whatsappRichMedia");
    await expect(page.getByTestId("rollout-current")).toHaveText(`${target}%`);
    await expect(page.getByRole("switch")).toBeDisabled();
    await expect(page.getByTestId("rollout-slider")).toBeDisabled();
    await expect(page.getByText("Read-only: product owners and admins change flags.").first()).toBeVisible();
    await viewerCtx.close();
  });

  test("a product owner creates a flag and runs the activation plan: allowlist first, then the standard ramp", async ({ openAs }) => {
    const page = await openAs("product", "/flags/new");
    await page.getByLabel("Key").fill("bad key");
    await page.getByRole("button", { name: "Create flag" }).click();
    await expect(page.getByTestId("flag-error")).toContainText("key: must start with a letter");

    const key = `e2eCodec${Date.now() % 1_000_000}`;
    await page.getByLabel("Key").fill(key);
    await page.getByLabel("Description").fill("Created by the activation journey");
    await page.getByLabel("Owner").fill("voice-team");
    await page.getByRole("button", { name: "Create flag" }).click();
    await expect(page).toHaveURL(new RegExp(`/flags/${key}$`));
    await expect(page.getByTestId("kill-switch-state")).toHaveText("Off for everyone");

    // An unknown customer is refused with the reason; nothing is saved.
    await page.getByLabel("Customer id to allowlist").fill("ghost-customer-9");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.getByTestId("allowlist-save").click();
    await expect(page.getByTestId("allowlist-error")).toContainText('allowlist[0]: unknown customer "ghost-customer-9"');
    await page.getByRole("button", { name: "Remove ghost-customer-9" }).click();
    await page.getByLabel("Customer id to allowlist").fill("enterprise-customer-123");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.getByTestId("allowlist-save").click();
    await expect(page.getByRole("heading", { name: "Allowlist (1)" })).toBeVisible();

    await page.getByRole("button", { name: "Standard ramp from now" }).click();
    await expect(page.getByTestId("schedule-step")).toHaveCount(4);
    await page.getByTestId("schedule-save").click();
    await expect(page.getByTestId("rollout-next")).toContainText("5% in");
    await expect(page.getByText(/Saved plan: 0% .* → 5% .* → 25% .* → 100%/)).toBeVisible();

    // A schedule out of time order is refused with the step and the reason.
    await page.getByLabel("Step 2 time (UTC)").fill("2020-01-01T00:00");
    await page.getByTestId("schedule-save").click();
    await expect(page.getByTestId("schedule-error")).toContainText("schedule[1].at: not in time order");
    await page.getByLabel("Step 3 percentage").fill("");
    await page.getByTestId("schedule-save").click();
    await expect(page.getByTestId("schedule-error")).toContainText("schedule[2].percentage: must be a whole number from 0 to 100");
    await page.getByRole("button", { name: "Discard" }).click();

    await page.getByRole("switch", { name: "Turn the flag on" }).click();
    await expect(page.getByTestId("kill-switch-state")).toHaveText("Serving");
    await checkCustomer(page, "enterprise-customer-123");
    await expect(page.getByTestId("preview-value")).toHaveText("on");
    await expect(page.getByTestId("exposure-estimate")).toContainText("1 of ");
    await open(page, "/flags");
    await expect(page.locator(`[data-flag="${key}"]`).getByTestId("flag-next-step")).toContainText("5%");
  });
});
