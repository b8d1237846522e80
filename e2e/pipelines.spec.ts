import fs from "node:fs";
import { percentPick } from "../lib/rollouts/plan";
import { expect, open, test } from "./fixtures";

const SMB = fs
  .readFileSync("examples/fleet.yaml", "utf8")
  .match(/id: smb-[a-z]+-\d+/g)!
  .map((m) => m.slice(4));
const runbook = fs.readFileSync("examples/deployment-pipeline.yaml", "utf8");
const brokenRunbook = runbook.replace("next: ValidateCanary", "next: ValidateCanry");

async function importsBy(page: import("@playwright/test").Page, actor: string) {
  await open(page, `/audit?action=pipeline.import&actor=${actor}`);
  return Number((await page.getByText(/\d+ events? ·/).innerText()).split(" ")[0]);
}

test.describe("pipelines", () => {
  test("the seeded standard pipeline shows its 4 waves; 25% of SMB resolves to 3 cells", async ({ openAs }) => {
    const page = await openAs("viewer", "/pipelines");
    const row = page.getByTestId("pipeline-row").filter({ hasText: "standard" });
    await expect(row.getByTestId("pipeline-summary")).toHaveText(
      "canary 45m → 25% of smb 4h → rest of smb 8h → enterprise one at a time 1d each",
    );
    await expect(page.getByTestId("pipeline-row").filter({ hasText: "runbook" })).toContainText("state-machine");
    await row.getByRole("link", { name: "standard" }).click();
    await expect(page.getByRole("heading", { name: "Standard wave rollout" })).toBeVisible();

    const cards = page.getByTestId("wave-card");
    await expect(cards).toHaveCount(4);
    await expect(cards.getByTestId("wave-name")).toHaveText(["canary", "smb-wave-1", "smb-wave-2", "enterprise"]);
    const quarter = page.locator('[data-wave="smb-wave-1"]');
    await expect(quarter.getByTestId("wave-selectors")).toHaveText("25% of smb");
    await expect(quarter.getByTestId("wave-cell")).toHaveCount(3);
    await expect(quarter.getByTestId("wave-cell-id")).toHaveText(percentPick(SMB, 25));
    await expect(page.locator('[data-wave="smb-wave-2"]').getByTestId("wave-cell")).toHaveCount(9);
    const enterprise = page.locator('[data-wave="enterprise"]');
    await expect(enterprise.getByTestId("wave-cell")).toHaveCount(3);
    await expect(enterprise.getByTestId("wave-bake")).toHaveText("1d per cell");
    await expect(enterprise.getByTestId("badge-approval")).toBeVisible();
    await expect(enterprise.getByTestId("badge-notify")).toHaveText("slack://enterprise-releases");
    await expect(page.locator('[data-wave="canary"]').getByTestId("wave-checks")).toHaveText(
      "error_rate < 0.1%p99_latency < 500msno_pagerduty_alerts: 30m",
    );

    await page.getByTestId("pipeline-source").getByText("The file as it was imported").click();
    await expect(page.getByTestId("pipeline-source")).toContainText("select: 25% of smb");
  });

  test("a broken pipeline YAML (unknown state in next) shows the line-numbered error and saves nothing", async ({ page, loginAs }) => {
    await loginAs("release");
    const before = await importsBy(page, "release");
    await open(page, "/pipelines/import");
    await page.getByLabel("Pipeline YAML").fill(brokenRunbook);
    await page.getByLabel("Pipeline id").fill("broken-e2e");
    await page.getByRole("button", { name: "Import" }).click();
    await expect(page.getByTestId("import-error")).toContainText("Nothing was changed");
    await expect(page.getByTestId("import-errors")).toContainText('line 7: states.DeployToCanary.next: unknown state "ValidateCanry"');

    await open(page, "/pipelines");
    await expect(page.getByTestId("pipeline-row").filter({ hasText: "standard" })).toBeVisible();
    await expect(page.getByTestId("pipeline-row").filter({ hasText: "broken-e2e" })).toHaveCount(0);
    await page.goto("/pipelines/broken-e2e");
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
    expect(await importsBy(page, "release")).toBe(before);
  });

  test("a release manager previews, then imports a native pipeline; it is listed and audited", async ({ page, loginAs }) => {
    await loginAs("release");
    const id = `e2e-${Date.now() % 1_000_000}`;
    const file = `pipeline: { id: ${id}, name: E2E hotfix }\nwaves:\n  - name: canary\n    cells: [canary-us-internal]\n    bake: 10m\n    checks: [error_rate]\n  - name: eu\n    select: smb-eu-*\n    bake: 1h\n    requires_approval: true\n    checks: ["p99_latency < 800ms"]\n`;
    await open(page, "/pipelines/import");
    await page.getByLabel("Pipeline YAML").fill(file);
    await page.getByRole("button", { name: "Preview" }).click();
    await expect(page.getByTestId("import-success")).toContainText(`Preview: a new pipeline ${id} (native form)`);
    await expect(page.getByTestId("import-plan")).toContainText("eu (approval): smb-eu-1, smb-eu-2, smb-eu-3, smb-eu-4");
    await expect(page.getByTestId("import-plan")).toContainText("canary: canary-us-internal");
    await page.goto(`/pipelines/${id}`);
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();

    await open(page, "/pipelines/import");
    await page.getByLabel("Pipeline YAML").fill(file);
    await page.getByRole("button", { name: "Import" }).click();
    await expect(page.getByTestId("import-success")).toContainText(`Created pipeline ${id}, version 1.`);
    await page.getByRole("link", { name: "Open the pipeline" }).click();
    await expect(page.getByRole("heading", { name: "E2E hotfix" })).toBeVisible();
    await expect(page.getByTestId("wave-card")).toHaveCount(2);
    await expect(page.locator('[data-wave="eu"]').getByTestId("wave-cell")).toHaveCount(4);

    const download = await page.request.get(`/pipelines/${id}/export`);
    expect(download.status()).toBe(200);
    expect(await download.text()).toContain('select: "smb-eu-*"');

    await open(page, `/audit?action=pipeline.import&actor=release`);
    await expect(page.getByTestId("audit-row").first()).toContainText(id);
  });

  test("a VIEWER calling the import action is refused by the server itself", async ({ sessionAs, pageAs }) => {
    // Record the real server-action request a release manager's browser sends…
    const rm = await pageAs("release", "/pipelines/import");
    await rm.getByLabel("Pipeline YAML").fill(runbook);
    await rm.getByLabel("Pipeline id").fill("viewer-replay");
    const [req] = await Promise.all([
      rm.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"]),
      rm.getByRole("button", { name: "Preview" }).click(),
    ]);
    await expect(rm.getByTestId("import-success")).toBeVisible();
    const actionId = req.headers()["next-action"]!;
    const body = req
      .postDataBuffer()!
      .toString("utf8")
      .replace(/(name="(?:_\d+_)?mode"\r\n\r\n)preview/, "$1apply");
    expect(body).toMatch(/name="(_\d+_)?mode"\r\n\r\napply/);
    await rm.context().close();

    // …and replay it, switched to "apply", with a viewer's session: no button involved.
    const viewerCtx = await sessionAs("viewer");
    const res = await viewerCtx.request.post("/pipelines/import", {
      headers: { "Next-Action": actionId, "Content-Type": req.headers()["content-type"]!, Accept: "text/x-component" },
      data: body,
    });
    expect(res.status()).toBe(200);
    const text = await res.text();
    expect(text).toContain("FORBIDDEN");
    expect(text).toContain("VIEWER");

    const page = await viewerCtx.newPage();
    await page.goto("/pipelines/viewer-replay");
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
    await viewerCtx.close();
  });
});
