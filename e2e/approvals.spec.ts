import type { Page } from "@playwright/test";
import { expect, open, test } from "./fixtures";

// The approvals inbox gathers every gate a person may decide — release gates and migration steps —
// live, oldest first, with what each unblocks and who four-eyes excludes. These journeys decide
// their gates by rejecting them, so no script runs on the demo's cell databases.
test.describe.configure({ mode: "serial" });

/** A migration whose first step, on the enterprise cells, waits for an approval before anything runs. */
const manifest = (id: string, phase: "expand" | "drop-legacy") => `migration:
  id: ${id}
  description: "approvals inbox journey"
  phases:
    - name: ${phase}
      type: schema
      script: migrations/${phase === "expand" ? "001_add_recipient_id.sql" : "001_drop_to_phone.sql"}
      rollout:
        - cells: [enterprise-*]
          requires_approval: true
        - cells: [canary-*, smb-*]
`;

/** release@ imports and starts the migration on its page; it stops at the enterprise gate. */
async function importAndStart(page: Page, id: string, text: string) {
  await open(page, "/migrations/import");
  await page.getByLabel("Manifest", { exact: true }).fill(text);
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByTestId("migration-preview")).toContainText(id);
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page).toHaveURL(new RegExp(`/migrations/${id}$`), { timeout: 15_000 });
  await page.getByRole("button", { name: "Start migration" }).click();
  await expect(page.getByTestId("migration-status")).toHaveText("awaiting approval", { timeout: 30_000 });
}

const gateOf = (page: Page, id: string) => page.locator(`[data-testid="gate"][data-subject="${id}"]`);

test.describe("approvals inbox", () => {
  test.setTimeout(180_000);

  test("a migration's enterprise step waiting for approval reaches release2@'s open inbox, the badge and /; release2@ decides it there", async ({
    page,
    loginAs,
    pageAs,
  }) => {
    const id = `e2e-inbox-${Date.now().toString(36)}`;
    // release2@ has the inbox open before the gate exists: it must appear without a reload.
    const page2 = await pageAs("release2", "/approvals");
    const gate2 = gateOf(page2, id);
    await expect(gate2).toHaveCount(0);

    await loginAs("release");
    await importAndStart(page, id, manifest(id, "expand"));

    await expect(gate2).toBeVisible({ timeout: 30_000 });
    await expect(gate2).toHaveAttribute("data-kind", "migration");
    await expect(gate2).toHaveAttribute("data-decidable", "true");
    await expect(gate2.getByTestId("gate-unblocks")).toContainText("expand");
    await expect(gate2.getByTestId("gate-unblocks")).toContainText("enterprise-us-hipaa");
    await expect(gate2.getByTestId("gate-customers")).toContainText("Mercy General Hospital");
    await expect(gate2.getByTestId("gate-four-eyes")).toContainText("release@cellplane.local");
    await expect(page2.getByTestId("approvals-updated")).toHaveText(/updated \d+ s ago/);

    // The navigation's badge counts the gates release2@ may decide, and it includes this one.
    const decidable = page2.locator('[data-testid="gate"][data-decidable="true"]');
    await expect(page2.getByTestId("approvals-badge")).toHaveText(String(await decidable.count()));
    await expect(page2.getByTestId("approvals-badge")).not.toHaveText("0");
    // The global view says gates are waiting, and links to the inbox.
    await open(page2, "/");
    await expect(page2.getByTestId("approvals-banner")).toContainText(/gates? waiting/);
    await page2.getByTestId("approvals-banner").getByRole("link").click();
    await expect(page2).toHaveURL(/\/approvals$/);

    // The starter sees the gate and why four-eyes keeps them from deciding it; a viewer sees why too.
    await open(page, "/approvals");
    await expect(gateOf(page, id).getByTestId("gate-why-not")).toContainText("Four-eyes");
    await expect(gateOf(page, id).getByRole("button", { name: "Approve" })).toHaveCount(0);
    const viewer = await pageAs("viewer", "/approvals");
    await expect(gateOf(viewer, id).getByTestId("gate-why-not")).toContainText("you are VIEWER");
    await viewer.context().close();

    // release2@ rejects it from the inbox: a comment is required; the gate leaves the list.
    await open(page2, "/approvals");
    await gate2.getByLabel("Decision comment").fill("x");
    await gate2.getByRole("button", { name: "Reject" }).click();
    await expect(gate2.getByTestId("action-error")).toContainText("at least 3 characters");
    await gate2.getByLabel("Decision comment").fill("not this week: CAB-90");
    await gate2.getByRole("button", { name: "Reject" }).click();
    await expect(gate2).toHaveCount(0, { timeout: 15_000 });
    await page2.context().close();

    await open(page, `/migrations/${id}`);
    await expect(page.getByTestId("migration-status")).toHaveText("failed");
    await expect(page.getByTestId("approvals")).toContainText("CAB-90");
    await expect(page.getByTestId("approvals")).toContainText("release2@cellplane.local");
  });

  test("a point-of-no-return step on enterprise cells asks for the migration id typed before it can be approved", async ({
    page,
    loginAs,
    pageAs,
  }) => {
    const id = `e2e-confirm-${Date.now().toString(36)}`;
    await loginAs("release");
    await importAndStart(page, id, manifest(id, "drop-legacy"));

    const page2 = await pageAs("release2", "/approvals");
    const gate = gateOf(page2, id);
    await expect(gate.getByTestId("gate-irreversible")).toContainText("cannot be undone");
    await gate.getByLabel("Decision comment").fill("checked the backups");
    const approve = gate.getByRole("button", { name: "Approve" });
    await expect(approve).toBeDisabled();
    await gate.getByLabel("Type the migration id to confirm").fill(id.slice(0, -1));
    await expect(approve).toBeDisabled();
    await gate.getByLabel("Type the migration id to confirm").fill(id);
    await expect(approve).toBeEnabled();
    // Not today: rejecting leaves every cell database as it was.
    await gate.getByRole("button", { name: "Reject" }).click();
    await expect(gate).toHaveCount(0, { timeout: 15_000 });
    await page2.context().close();
  });
});
