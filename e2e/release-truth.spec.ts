import fs from "node:fs";
import path from "node:path";
import { E2E } from "../playwright.config";
import { apiToken, cli, expect, open, simulatorFaults, test } from "./fixtures";
import { steersSimulator } from "./helpers/simulator";

// The release page tells the truth: each wave card shows its cells' live health; pausing stops the
// bake clock (engine and card agree); an aborted or rolled-back release says which waves kept the
// new version and offers to roll the whole release back, audited.
test.describe.configure({ mode: "serial" });

const SLOW = `pipeline: { id: e2e-slow-bake, name: Slow bake, description: "one canary wave with a long bake" }
waves:
  - name: canary
    cells: [canary-us-internal]
    bake: 30d
    checks: [error_rate]
`;

async function startRelease(request: import("@playwright/test").APIRequestContext, body: object) {
  const token = apiToken(["releases:write"]);
  const res = await request.post("/api/v1/releases", { headers: { Authorization: `Bearer ${token}` }, data: body });
  expect(res.status(), await res.text()).toBe(201);
  return { id: (await res.json()).id as string, auth: { Authorization: `Bearer ${token}` } };
}

test.describe("release page truth", () => {
  steersSimulator(360_000);

  test("pause stops the bake clock: the card says so and stands still, resuming moves the bake's end; abort names what it leaves, then the whole release rolls back", async ({
    page,
    loginAs,
    pageAs,
  }) => {
    const file = path.join(E2E.dataDir, "e2e-slow-bake.yaml");
    fs.writeFileSync(file, SLOW);
    cli(["import", "pipeline", file]);
    const version = `v3.9.${Date.now() % 100_000}`;
    const { id, auth } = await startRelease(page.request, { pipeline: "e2e-slow-bake", versions: { voice: version } });
    const bakeEnd = async () => (await (await page.request.get(`/api/v1/releases/${id}`, { headers: auth })).json()).waves[0].bakeEndsAt;

    await loginAs("sre");
    await page.clock.install();
    await open(page, `/releases/${id}`);
    await expect(page.getByTestId("wave-0")).toHaveAttribute("data-state", "BAKING", { timeout: 60_000 });
    await expect(page.getByTestId("bake-countdown")).toHaveAttribute("data-paused", "false");
    const endBefore = await bakeEnd();
    await page.getByRole("button", { name: "Pause" }).click();
    await expect(page.getByTestId("release-status")).toHaveText("paused");
    await expect(page.getByTestId("bake-paused")).toContainText("bake clock stopped");
    await expect(page.getByTestId("wave-paused")).toBeVisible();
    // A minute passes in the browser: a paused clock does not move.
    const left = await page.getByTestId("bake-left").innerText();
    await page.clock.fastForward("01:00");
    await expect(page.getByTestId("bake-left")).toHaveText(left);

    await page.getByRole("button", { name: "Resume" }).click();
    await expect(page.getByTestId("release-status")).toHaveText("running");
    const endAfter = await bakeEnd();
    expect(new Date(endAfter).getTime()).toBeGreaterThan(new Date(endBefore).getTime()); // moved by the pause
    await expect(page.getByTestId("audit-table")).toContainText("the bake clock stood still");

    // A release manager aborts: the confirmation names the cell it leaves on the new version and its customers.
    const rm = await pageAs("release", `/releases/${id}`);
    await rm.getByLabel("Reason").fill("wrong build for the canary");
    await rm.getByRole("button", { name: "Abort release…" }).click();
    const confirm = rm.getByTestId("abort-confirmation");
    await expect(confirm).toContainText("canary-us-internal");
    await expect(confirm).toContainText(/home of \d+ customers?/);
    const abort = rm.getByRole("button", { name: "Abort release", exact: true });
    await rm.getByLabel("Type the release id to confirm").fill(id.slice(0, -1));
    await expect(abort).toBeDisabled();
    await rm.getByLabel("Type the release id to confirm").fill(id);
    await abort.click();
    await expect(rm.getByTestId("release-status")).toHaveText("aborted");
    await rm.context().close();

    // The aborted release says the canary kept the new version; / says so too; an SRE rolls it all back.
    await open(page, `/releases/${id}`);
    await expect(page.getByTestId("kept-waves")).toContainText("canary");
    await expect(page.getByTestId("kept-waves")).toContainText(`voice ${version}`);
    await open(page, "/");
    await expect(page.getByTestId("release-kept").first()).toBeVisible();
    await open(page, `/releases/${id}`);
    await page.getByRole("button", { name: "Roll back the whole release" }).click();
    await expect(page.getByTestId("action-error")).toContainText("at least 3 characters");
    await page.getByLabel("Reason to roll back the whole release").fill("the canary must not keep a build we aborted");
    await page.getByRole("button", { name: "Roll back the whole release" }).click();
    await expect(page.getByTestId("release-status")).toHaveText("rolled back", { timeout: 60_000 });
    await expect(page.getByTestId("wave-0")).toHaveAttribute("data-state", "ROLLED_BACK");
    await expect(page.getByTestId("kept-waves")).toHaveCount(0);
    await expect(page.getByTestId("end-reason")).toContainText("whole release rolled back by sre@cellplane.local");
    await expect(page.getByTestId("audit-table")).toContainText("release.rollback_whole");
  });

  test("a wave whose cells fail shows its cells red with their error rate live; only that wave rolls back and the page says the canary kept the version", async ({
    page,
    openAs,
    loginAs,
  }) => {
    const version = `v2.6.${Date.now() % 100_000}`;
    simulatorFaults([{ kind: "bad-version", service: "sms", version, errorRate: 0.05, cells: "smb-*" }]);
    await loginAs("release");
    const { id } = await startRelease(page.request, { pipeline: "standard", versions: { sms: version } });
    await open(page, `/releases/${id}`);
    // Live health on the card, without a reload: the SMB wave's cells turn red with ~5% errors.
    const wave1 = page.getByTestId("wave-1");
    await expect(wave1.locator('[data-testid="wave-cell"][data-status="red"]').first()).toBeVisible({ timeout: 120_000 });
    await expect(wave1.getByTestId("wave-health-summary")).toContainText(/worst error rate [3-9]\.\d%/);
    await expect(page.getByTestId("release-status")).toHaveText("rolled back", { timeout: 120_000 });
    await expect(page.getByTestId("wave-0")).toHaveAttribute("data-state", "PASSED");
    await expect(wave1).toHaveAttribute("data-state", "ROLLED_BACK");
    await expect(page.getByTestId("kept-waves")).toContainText("Rolled back — but 1 wave kept");
    await expect(page.getByTestId("kept-wave-list")).toContainText("canary-us-internal");

    // The whole release goes back; the canary runs its previous version again.
    await openAs("sre", `/releases/${id}`);
    await page.getByLabel("Reason to roll back the whole release").fill("errors on SMB: take it off the canary too");
    await page.getByRole("button", { name: "Roll back the whole release" }).click();
    await expect(page.getByTestId("wave-0")).toHaveAttribute("data-state", "ROLLED_BACK", { timeout: 60_000 });
    await open(page, "/fleet?tier=canary");
    await expect(page.getByTestId("fleet-row").first()).not.toContainText(version);
  });
});
