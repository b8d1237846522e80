import { apiToken, captureAction, expect, open, replayAction, simulatorFaults, test } from "./fixtures";
import { steersSimulator } from "./helpers/simulator";

// The webServer runs with CELLPLANE_TIME_SCALE so a 24 h bake takes seconds, and with the fleet
// simulator converging cells to their desired versions.
test.describe.configure({ mode: "serial" });

test.describe("wave-based releases", () => {
  steersSimulator(360_000);

  test("release@ rolls sms v2.5.0 through the standard pipeline; release2@ approves the enterprise gate", async ({ openAs, pageAs }) => {
    const page = await openAs("release", "/releases");
    const form = page.getByTestId("start-release");
    await form.locator('select[name="pipeline"]').selectOption("standard");
    await form.locator('select[name="service"]').selectOption("sms");
    await form.locator('input[name="version"]').fill("v2.5.0");
    await form.getByRole("button", { name: "Start release" }).click();
    await expect(page).toHaveURL(/\/releases\/rel-/, { timeout: 15_000 });
    const releaseUrl = new URL(page.url()).pathname;

    // Canary and both SMB waves deploy, bake and pass as the simulator converges.
    for (const i of [0, 1, 2]) await expect(page.getByTestId(`wave-${i}`)).toHaveAttribute("data-state", "PASSED", { timeout: 120_000 });
    await expect(page.getByTestId("check-row").first()).toHaveAttribute("data-passed", "true");

    // The enterprise gate waits; its starter cannot decide it.
    await expect(page.getByTestId("wave-3")).toHaveAttribute("data-state", "AWAITING_APPROVAL", { timeout: 60_000 });
    await expect(page.getByTestId("release-status")).toHaveText("awaiting approval");
    await expect(page.getByTestId("approval-not-allowed")).toContainText("Four-eyes");

    // release2@ opens it; an approval without a real comment is refused (nothing changes) — and the
    // same request replayed with release@'s session is refused by the server for four-eyes.
    const page2 = await pageAs("release2", releaseUrl);
    await page2.getByLabel("Approval comment").fill("x");
    const captured = await captureAction(page2, () => page2.getByRole("button", { name: "Approve" }).click());
    await expect(page2.getByTestId("action-error")).toContainText("at least 3 characters");
    const asStarter = await replayAction(
      page.request,
      captured,
      captured.body.replace('"comment":"x"', '"comment":"approving my own release"'),
    );
    expect(asStarter.text).toContain("four-eyes");
    await expect(page2.getByTestId("wave-3")).toHaveAttribute("data-state", "AWAITING_APPROVAL");

    await page2.getByLabel("Approval comment").fill("CAB-2231 approved, enterprise customers notified");
    await page2.getByRole("button", { name: "Approve" }).click();
    await expect(page2.getByTestId("approvals")).toContainText("CAB-2231 approved", { timeout: 15_000 });
    await expect(page2.getByTestId("approvals")).toContainText("release2@cellplane.local");

    // The enterprise cells go one at a time; the release finishes.
    await expect(page2.getByTestId("release-status")).toHaveText("succeeded", { timeout: 180_000 });
    await expect(page2.getByTestId("wave-pipeline")).not.toContainText("rolled back");
    await page2.context().close();
  });

  test("a version the simulator makes faulty fails its canary check and is rolled back automatically", async ({ openAs }) => {
    simulatorFaults([{ kind: "bad-version", service: "sms", version: "v2.5.1", errorRate: 0.05, cells: "*" }]);
    const page = await openAs("release", "/releases");
    const form = page.getByTestId("start-release");
    await form.locator('select[name="service"]').selectOption("sms");
    await form.locator('input[name="version"]').fill("v2.5.1");
    await form.getByRole("button", { name: "Start release" }).click();
    await expect(page).toHaveURL(/\/releases\/rel-/, { timeout: 15_000 });

    await expect(page.getByTestId("release-status")).toHaveText("rolled back", { timeout: 120_000 });
    await expect(page.getByTestId("wave-0")).toHaveAttribute("data-state", "ROLLED_BACK");
    await expect(page.getByTestId("wave-1")).toHaveAttribute("data-state", "SKIPPED");
    // The check that failed (a validation that first waited for evidence records "not enough data" rows too).
    const failed = page.locator('[data-testid="check-row"][data-state="breach"]').first();
    await expect(failed).toContainText("error_rate");
    await expect(failed.getByTestId("check-measured")).toHaveText(/^[4-6]\.\d{3}%$/);
    await expect(page.getByTestId("wave-failure")).toContainText("check failed");
    // The canary's guard watched it while it deployed and baked.
    await expect(page.getByTestId("wave-0").getByTestId("guard-state")).toBeVisible();

    // The canary is back on the previous version; nothing else was touched.
    await open(page, "/fleet?tier=canary");
    await expect(page.getByTestId("fleet-row").first()).toContainText("v2.5.0");
  });
});

test.describe("releases API for CI", () => {
  test("POST /api/v1/releases starts a release a pipeline can follow with GET; an SRE pauses and a release manager aborts it", async ({
    request,
    openAs,
    loginAs,
  }) => {
    const body = { pipeline: "standard", versions: { whatsapp: "v1.13.0" }, title: "whatsapp from CI" };
    expect((await request.post("/api/v1/releases", { data: body })).status()).toBe(401);
    const readOnly = apiToken(["fleet:read"]);
    expect((await request.post("/api/v1/releases", { headers: { Authorization: `Bearer ${readOnly}` }, data: body })).status()).toBe(403);
    const token = apiToken(["releases:write"]);
    const auth = { Authorization: `Bearer ${token}` };
    expect((await request.post("/api/v1/releases", { headers: auth, data: { versions: { whatsapp: "not a version!" } } })).status()).toBe(
      400,
    );
    const created = await request.post("/api/v1/releases", { headers: auth, data: body });
    expect(created.status()).toBe(201);
    const release = await created.json();
    expect(release).toMatchObject({
      title: "whatsapp from CI",
      pipeline: "standard",
      status: "running",
      versions: { whatsapp: "v1.13.0" },
    });
    expect(release.waves[0].cells).toEqual(["canary-us-internal"]);
    expect(release.waves.map((w: { name: string }) => w.name)).toContain("smb-wave-2");
    expect((await request.post("/api/v1/releases", { headers: auth, data: body })).status()).toBe(409);
    const got = await request.get(`/api/v1/releases/${release.id}`, { headers: auth });
    const view = await got.json();
    expect(view.id).toBe(release.id);
    // Every wave carries its guard (state null until it first looks).
    expect(view.waves[1].guard).toEqual({
      state: null,
      lastEvaluatedAt: null,
      window: null,
      cells: [],
      results: [],
      breach: null,
      onBreach: "rollback",
    });

    const page = await openAs("sre", `/releases/${release.id}`);
    await page.getByRole("button", { name: "Pause" }).click();
    await expect(page.getByTestId("release-status")).toHaveText("paused");
    await expect(page.getByRole("button", { name: "Abort release…" })).toHaveCount(0); // SREs pause and roll back; they do not abort

    await loginAs("release");
    await open(page, `/releases/${release.id}`);
    await page.getByLabel("Reason").fill("superseded by v1.13.1");
    await page.getByRole("button", { name: "Abort release…" }).click();
    // Aborting names what it leaves on the new version, and asks for the release id.
    await expect(page.getByTestId("abort-confirmation")).toContainText("later waves never start");
    const abort = page.getByRole("button", { name: "Abort release", exact: true });
    await expect(abort).toBeDisabled();
    await page.getByLabel("Type the release id to confirm").fill(release.id);
    await abort.click();
    await expect(page.getByTestId("release-status")).toHaveText("aborted");
    await expect(page.getByTestId("end-reason")).toContainText("superseded by v1.13.1");
    expect((await (await request.get(`/api/v1/releases/${release.id}`, { headers: auth })).json()).status).toBe("aborted");
  });
});
