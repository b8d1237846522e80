import { captureAction, expect, expectFieldRefused, open, replayAction, test } from "./fixtures";

test.describe("settings (admins)", () => {
  test("an admin edits a runbook and every cell view renders it with its own values; a viewer replaying the action is refused", async ({
    openAs,
    loginAs,
    sessionAs,
  }) => {
    const page = await openAs("admin", "/settings");
    const form = page.getByTestId("runbook-cell-silent");
    const marker = `Call the on-call for {region} about {cell} (${Date.now()})`;
    await form.locator('textarea[name="body"]').fill(`1. ${marker}\n2. Check the agent on {cell}.`);
    const captured = await captureAction(page, () => form.getByRole("button", { name: "Save runbook" }).click());

    await open(page, "/cells/smb-eu-3");
    await expect(page.getByTestId("runbooks")).toContainText(marker.replace("{region}", "eu-central-1").replace("{cell}", "smb-eu-3"));

    const viewer = await sessionAs("viewer");
    const replay = await replayAction(viewer.request, captured, captured.body.replace(marker, "defaced by a viewer"));
    expect(replay.text).toContain("FORBIDDEN");
    await viewer.close();
    await open(page, "/cells/smb-eu-3");
    await expect(page.getByTestId("runbooks")).not.toContainText("defaced");

    await loginAs("sre");
    await open(page, "/settings");
    await expect(page.getByText("Only admins can change settings.")).toBeVisible();
  });

  test("thresholds are validated: yellow above red is refused with the field named, and nothing changes", async ({ openAs }) => {
    const page = await openAs("admin", "/settings");
    await expectFieldRefused(page.getByTestId("thresholds-form"), "yellowP99Ms", "1500", "inconsistent", "yellow p99 must not exceed red");
    await open(page, "/");
    await expect(page.getByText(/yellow: .*p99 ≥ 500 ms/)).toBeVisible();
  });
});
