import { expect, open, test } from "./fixtures";

// A protected flag: product@ raises its percentage, which becomes a change request (shown with its
// diff, nothing applied); product2@ — another product owner — approves it from the approvals inbox;
// the flag's percentage changes.
const KEY = "videoBackgroundBlur"; // protected in the demo seed

test.describe("flag change requests", () => {
  test.setTimeout(120_000);

  test("product@ raises a protected flag's percentage → change request #N with the diff; product2@ approves it in the inbox → applied", async ({
    openAs,
    pageAs,
  }) => {
    const page = await openAs("product", `/flags/${KEY}`);
    // A data folder seeded before flags could be protected: protecting an unprotected flag applies at once.
    if ((await page.getByTestId("flag-protected").count()) === 0) {
      await page.getByTestId("details-protected").check();
      await page.getByRole("button", { name: "Save details" }).click();
    }
    await expect(page.getByTestId("flag-protected")).toBeVisible();
    await expect(page.getByTestId("protected-banner")).toContainText("switching the flag off applies at once");

    const current = Number((await page.getByTestId("rollout-current").textContent())!.replace("%", ""));
    const target = current < 90 ? current + 10 : current - 10;
    await page.getByTestId("rollout-input").fill(String(target));
    await page.getByLabel("Change request comment").fill("CPU regression fixed in video v3.1");
    await page.getByTestId("rollout-save").click();

    const notice = page.getByTestId("change-request-notice");
    await expect(notice).toContainText(/Change request #\d+ waits for approval by another product owner or an admin/);
    const row = notice.getByTestId("change-request-diff").locator('[data-field="rolloutPercentage"]');
    await expect(row).toContainText(`${current}%`);
    await expect(row).toContainText(`${target}%`);
    const id = (await notice.textContent())!.match(/Change request #(\d+)/)![1]!;
    // Nothing applied; the request is on the flag's page, and four-eyes keeps its requester from approving it.
    await expect(page.getByTestId("rollout-current")).toHaveText(`${current}%`);
    const mine = page.locator(`#change-request-${id}`);
    await expect(mine.getByTestId("change-request-status")).toHaveText("waits for approval");
    await expect(mine.getByTestId("change-not-allowed")).toContainText("Four-eyes");
    await expect(mine.getByRole("button", { name: "Approve and apply" })).toHaveCount(0);

    // product2@ decides it in the approvals inbox, where it waits with its diff.
    const page2 = await pageAs("product2", "/approvals");
    const gate = page2.locator('[data-testid="gate"][data-kind="flag"]').filter({ hasText: `change request #${id}` });
    await expect(gate).toBeVisible();
    await expect(gate).toHaveAttribute("data-decidable", "true");
    await expect(gate.getByTestId("gate-four-eyes")).toContainText("product@cellplane.local");
    await expect(gate.getByTestId("change-request-diff").locator('[data-field="rolloutPercentage"]')).toContainText(`${target}%`);
    await gate.getByLabel("Decision comment").fill("checked the CPU graphs of the smb cells");
    await gate.getByRole("button", { name: "Approve" }).click();
    await expect(gate).toHaveCount(0, { timeout: 15_000 });

    // Applied: the percentage in force is the requested one, and the request says who approved it.
    await open(page2, `/flags/${KEY}`);
    await expect(page2.getByTestId("rollout-current")).toHaveText(`${target}%`);
    await expect(page2.locator(`#change-request-${id}`).getByTestId("change-request-status")).toContainText(
      "approved by product2@cellplane.local",
    );
    await page2.context().close();
  });
});
