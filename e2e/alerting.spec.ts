import { apiToken, captureAction, expect, open, replayAction, test } from "./fixtures";

test.describe("alerting (SREs, admins)", () => {
  test("an Alertmanager alert arrives; an SRE silences it — still shown, marked — and ends the silence; a viewer cannot", async ({
    openAs,
    request,
    sessionAs,
  }) => {
    const token = apiToken(["alerts:write"]);
    const type = `disk_full_${Date.now()}`;
    const payload = (status: "firing" | "resolved") => ({
      version: "4",
      status,
      alerts: [
        {
          status,
          labels: { alertname: type, cell: "smb-eu-2", severity: "warning" },
          annotations: { summary: "disk 95% full" },
          startsAt: new Date().toISOString(),
          fingerprint: `fp-${type}`,
        },
        { status, labels: { alertname: type, severity: "warning" }, annotations: {}, fingerprint: `fp-${type}-nocell` },
      ],
    });
    const res = await request.post("/api/v1/alerts/alertmanager", {
      headers: { Authorization: `Bearer ${token}` },
      data: payload("firing"),
    });
    expect(res.status()).toBe(200);
    expect(await res.json()).toMatchObject({
      opened: 1,
      ignored: [{ fingerprint: `fp-${type}-nocell`, reason: "no cell label: Cellplane files alerts by cell" }],
    });
    const refused = await request.post("/api/v1/alerts/alertmanager", { data: payload("firing") });
    expect(refused.status()).toBe(401);

    const page = await openAs("sre", "/alerts");
    const group = page.locator(`[data-testid="alert-group"][data-type="${type}"]`);
    await expect(group).toHaveCount(1);
    await expect(group.getByTestId("group-muted")).toHaveCount(0);

    const form = page.getByTestId("silence-form");
    await form.locator('input[name="type"]').fill(type);
    await form.locator('input[name="cells"]').fill("smb-eu-*");
    await form.locator('input[name="reason"]').fill("disk resize under way");
    const created = await captureAction(page, () => form.getByRole("button", { name: "Silence" }).click());
    await expect(page.getByTestId("silence").filter({ hasText: "disk resize under way" })).toHaveCount(1);
    await expect(group.getByTestId("group-muted")).toHaveText("muted");
    await group.getByText("Show the 1 affected cell").click();
    await expect(group.getByTestId("alert-mute")).toContainText("silenced");

    const viewer = await sessionAs("viewer");
    const replay = await replayAction(viewer.request, created);
    expect(replay.text).toContain("FORBIDDEN");
    const viewerPage = await viewer.newPage();
    await open(viewerPage, "/alerts");
    await expect(viewerPage.getByTestId("silence-form")).toHaveCount(0);
    await viewer.close();

    await page.getByTestId("silence").filter({ hasText: "disk resize under way" }).getByRole("button", { name: "End now" }).click();
    await expect(page.getByTestId("silence").filter({ hasText: "disk resize under way" })).toHaveCount(0);
    await expect(group.getByTestId("group-muted")).toHaveCount(0);

    const resolved = await request.post("/api/v1/alerts/alertmanager", {
      headers: { Authorization: `Bearer ${token}` },
      data: payload("resolved"),
    });
    expect(await resolved.json()).toMatchObject({ resolved: 1 });
  });

  test("an admin's health query that is not PromQL is refused with its column; a valid one is saved", async ({ openAs }) => {
    const page = await openAs("admin", "/settings");
    await expect(page.getByTestId("health-source")).toContainText("CELLPLANE_HEALTH_SOURCE=builtin");
    const form = page.getByTestId("health-queries-form");
    const cpu = form.locator('textarea[name="q_cpu"]');
    await cpu.fill("sum by ($cell, $service) (rate(process_cpu_seconds_total[$window])");
    await form.getByRole("button", { name: "Save queries" }).click();
    await expect(form.getByTestId("form-error")).toContainText("not valid PromQL");
    await expect(form.getByText(/not valid PromQL at column \d+/)).toBeVisible();
    await cpu.fill("avg by ($cell, $service) (rate(process_cpu_seconds_total[$window]))");
    await form.getByRole("button", { name: "Save queries" }).click();
    await expect(form.getByRole("status")).toHaveText("Saved.");
    await open(page, "/settings");
    await expect(page.getByTestId("health-queries-form").locator('textarea[name="q_cpu"]')).toHaveValue(/^avg by/);
  });

  test("GET /metrics: the app server's own counters (ingest through the direct path, the ticker's jobs) with a metrics:read token", async ({
    request,
  }) => {
    expect((await request.get("/metrics")).status()).toBe(401);
    const wrong = await request.get("/metrics", { headers: { Authorization: `Bearer ${apiToken(["fleet:read"])}` } });
    expect(wrong.status()).toBe(403);
    const token = apiToken(["metrics:read"]);
    await expect
      .poll(
        async () => {
          const text = await (await request.get("/metrics", { headers: { Authorization: `Bearer ${token}` } })).text();
          const samples = Number(/^cellplane_ingest_samples_total (\S+)$/m.exec(text)?.[1] ?? 0);
          return samples > 0 && /^cellplane_job_duration_seconds_count\{job="rollouts.advance",outcome="ok"\} [1-9]/m.test(text);
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    const text = await (await request.get("/metrics", { headers: { Authorization: `Bearer ${token}` } })).text();
    expect(text).toMatch(/^# TYPE cellplane_releases gauge$/m);
    expect(text).toMatch(/^cellplane_db_pool_connections\{pool="telemetry",state="total"\} \d+$/m);
  });
});
