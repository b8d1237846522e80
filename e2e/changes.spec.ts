import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { adminDatabaseUrl, apiToken, cli, expect, open, signInAs, simulatorFaults, test } from "./fixtures";

// One plane per cell: the simulator makes a new sms version fail on the canary cell; the alert
// group names that version change first, the cell's chart marks it, and the blast radius of a
// second release on the same cells warns that one is already in flight — the click that starts it
// anyway is audited as having seen the warning. The webServer runs with CELLPLANE_TIME_SCALE=7200.
test.describe.configure({ mode: "serial" });

const CELL = "canary-us-internal";
const BAD = `v2.7.${Date.now() % 1000}`;
const PIPELINE = "e2e-long-canary";

/**
 * A one-wave pipeline whose bake (30 d, six minutes at this time scale) outlasts the journey, with a
 * check the failing version (5% errors) stays under: its guard would otherwise roll it back at once,
 * and the journey needs it to stay in flight (a pipeline without checks would wait for approval as a
 * weakened policy).
 */
function importLongPipeline() {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cellplane-e2e-")), "long-canary.yaml");
  fs.writeFileSync(
    file,
    `pipeline: { id: ${PIPELINE}, name: Long canary, description: "a canary that bakes for a month" }
waves:
  - name: canary
    cells: [${CELL}]
    bake: 30d
    checks: ["error_rate < 50%"]
`,
  );
  cli(["import", "pipeline", file]);
}

async function setAlertAfter(page: import("@playwright/test").Page, minutes: string) {
  await open(page, "/settings");
  const form = page.getByTestId("thresholds-form");
  await form.locator('input[name="alertAfterMin"]').fill(minutes);
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByTestId("form-error")).toHaveCount(0);
  await expect(form.getByText(/saved/i)).toBeVisible();
}

async function abortAll(page: import("@playwright/test").Page, ids: string[]) {
  for (const id of ids) {
    await open(page, `/releases/${id}`);
    const status = await page.getByTestId("release-status").innerText();
    if (!/running|awaiting|paused/.test(status)) continue;
    await page.getByLabel("Reason").fill("e2e journey done");
    await page.getByRole("button", { name: "Abort release…" }).click();
    await page.getByLabel("Type the release id to confirm").fill(id);
    await page.getByRole("button", { name: "Abort release", exact: true }).click();
    await expect(page.getByTestId("release-status")).toHaveText("aborted", { timeout: 15_000 });
  }
}

test.describe("changes: what changed, where, and what else is in flight", () => {
  test.setTimeout(360_000);
  const releases: string[] = [];

  test.afterAll(async ({ browser, baseURL }) => {
    simulatorFaults([]);
    const ctx = await browser.newContext({ baseURL });
    await signInAs(ctx.request, "admin");
    const page = await ctx.newPage();
    await abortAll(page, releases);
    await setAlertAfter(page, "2");
    await ctx.close();
  });

  test("a failing version: the alert names it first, the chart marks it, a second release warns it is in flight", async ({
    page,
    openAs,
    loginAs,
    request,
  }) => {
    // Rule alerts open as soon as a service is red (restored to 2 min afterwards).
    await loginAs("admin");
    await setAlertAfter(page, "0");
    importLongPipeline();
    simulatorFaults([{ kind: "bad-version", service: "sms", version: BAD, errorRate: 0.05, cells: CELL }]);

    // release@ starts the bad version on the canary; the form shows the blast radius first.
    await openAs("release", "/releases");
    const form = page.getByTestId("start-release");
    await form.locator('select[name="pipeline"]').selectOption(PIPELINE);
    await form.locator('select[name="service"]').selectOption("sms");
    await form.locator('input[name="version"]').fill(BAD);
    await expect(form.getByTestId("blast-reach")).toContainText("Reaches 1 cell (1 canary)");
    await form.getByRole("button", { name: "Start release" }).click();
    await expect(page).toHaveURL(/\/releases\/rel-/, { timeout: 15_000 });
    releases.push(new URL(page.url()).pathname.split("/").pop()!);

    // The simulator runs it on the canary, where it fails: a rule alert opens for sms there.
    await loginAs("sre");
    await expect(async () => {
      await open(page, "/alerts");
      await expect(page.locator('[data-testid="alert-group"][data-type="high_error_rate"]')).toContainText(CELL, { timeout: 1_000 });
    }).toPass({ timeout: 120_000 });
    const group = page.locator('[data-testid="alert-group"][data-type="high_error_rate"]');
    const causes = group.getByTestId("what-changed");
    await expect(causes.getByTestId("ranking-rule")).toContainText("Most likely first");
    const first = causes.getByTestId("what-changed-item").first();
    await expect(first).toContainText(BAD);
    await expect(first).toContainText(CELL);
    await expect(first).toHaveAttribute("data-kind", /^(version|deploy)$/);
    await expect(first).toContainText("same cell and service · version change");

    // The cell view: sms is red, what changed before it says the same; the chart marks the change.
    await open(page, `/cells/${CELL}?window=1h`);
    await expect(page.getByTestId("service-row-sms")).toContainText("Unhealthy");
    await expect(page.getByTestId("what-changed-sms").getByTestId("what-changed-item").first()).toContainText(BAD);
    const marker = page
      .getByTestId("chart-errorRate")
      .getByTestId("change-marker")
      .filter({ has: page.locator("title", { hasText: BAD }) });
    await expect(marker.first()).toBeAttached();
    await expect(page.getByTestId("cell-timeline")).toContainText(`sms → ${BAD}`);
    await expect(page.getByTestId("state-card")).toContainText("Flags in effect");
    // The timeline's kind filter is a link: only version changes.
    await page.getByTestId("timeline-kinds").getByRole("link", { name: "version", exact: true }).click();
    await expect(page).toHaveURL(/kind=version/);
    await expect(page.getByTestId("cell-timeline").getByTestId("change").first()).toHaveAttribute("data-kind", "version");

    // The fleet-wide page, filtered in the URL.
    await open(page, `/changes?cell=${CELL}&kind=deploy&range=1h`);
    await expect(page.getByTestId("change-list")).toContainText(`sms → ${BAD}`);

    // The API says the same to a bot with fleet:read, and nothing to a caller with neither token nor session.
    expect((await request.get(`/api/v1/changes?cell=${CELL}`)).status()).toBe(401);
    const token = apiToken(["fleet:read"]);
    const api = await request.get(`/api/v1/changes?cell=${CELL}&kind=deploy`, { headers: { Authorization: `Bearer ${token}` } });
    expect(api.status()).toBe(200);
    expect((await api.json()).changes[0]).toMatchObject({ kind: "deploy", cells: [CELL], services: ["sms"] });

    // A second release on the same cells: its blast radius warns that one is in flight.
    await loginAs("release");
    await open(page, "/releases");
    await form.locator('select[name="pipeline"]').selectOption(PIPELINE);
    await form.locator('select[name="service"]').selectOption("voice");
    await form.locator('input[name="version"]').fill("v3.9.0");
    const warning = form.getByTestId("blast-warning").filter({ hasText: "already in flight" });
    await expect(warning).toContainText(`Release ${releases[0]}`);
    await expect(warning).toContainText(CELL);
    // Starting it anyway records that the warning was shown.
    await form.getByRole("button", { name: "Start release" }).click();
    await expect(page).toHaveURL(/\/releases\/rel-/, { timeout: 15_000 });
    releases.push(new URL(page.url()).pathname.split("/").pop()!);
    await open(page, "/audit?action=blast_radius.confirm&actor=release@");
    await expect(page.getByTestId("audit-row").first()).toContainText(`release:${releases[0]}`);
  });
});

test.describe("a busy cell's page", () => {
  const BUSY_CELL = "smb-ap-1";
  const source = `e2e-busy-${Date.now().toString(36)}`;
  const sql = async (text: string, params: unknown[]) => {
    const c = new pg.Client({ connectionString: adminDatabaseUrl() });
    await c.connect();
    try {
      await c.query(text, params);
    } finally {
      await c.end();
    }
  };
  test.afterEach(() => sql("DELETE FROM change_events WHERE source LIKE $1", [`${source}:%`]));

  test("the timeline shows its first 50 entries and links to all of them; the streamed parts arrive", async ({ page, loginAs }) => {
    // 80 settings changes on the cell in the last 40 minutes, oldest last.
    await sql(
      `INSERT INTO change_events (at, kind, cell_id, services, summary, actor, source)
       SELECT now() - make_interval(secs => i * 30), 'settings', $1, '{}', 'e2e busy change ' || i, 'e2e', $2 || ':' || i
         FROM generate_series(1, 80) AS i`,
      [BUSY_CELL, source],
    );
    await loginAs("viewer");
    await open(page, `/cells/${BUSY_CELL}?window=1h`);
    const timeline = page.getByTestId("cell-timeline");
    await expect(timeline.getByTestId("change")).toHaveCount(50);
    await expect(timeline).toContainText("e2e busy change 1");
    await expect(timeline).not.toContainText("e2e busy change 80");
    // The streamed parts: charts (drawn in the browser), state card, alerts, runbooks.
    await expect(page.getByTestId("chart-errorRate")).toBeVisible();
    await expect(page.getByTestId("state-card")).toContainText("Flags in effect");
    await expect(page.getByTestId("cell-alerts")).toBeVisible();
    await expect(page.getByTestId("runbooks")).toContainText(BUSY_CELL);

    const more = page.getByTestId("cell-timeline-more");
    await expect(more).toHaveText(/^Show \d+ more entries \(all \d+\)$/);
    await more.click();
    await expect(page).toHaveURL(/entries=all/);
    await expect(timeline).toContainText("e2e busy change 80");
    expect(await timeline.getByTestId("change").count()).toBeGreaterThanOrEqual(80);
    await expect(more).toHaveCount(0);
    // The kind filter keeps the whole list; the link is shareable.
    await page.getByTestId("timeline-kinds").getByRole("link", { name: "settings", exact: true }).click();
    await expect(page).toHaveURL(/kind=settings/);
    await expect(page).toHaveURL(/entries=all/);
    await expect(timeline.getByTestId("change").first()).toHaveAttribute("data-kind", "settings");
  });
});
