import { Ajv2020 } from "ajv/dist/2020.js";
import { apiToken, captureAction, expect, open, replayAction, simulatorFaults, test } from "./fixtures";
import { healthySample } from "./helpers/telemetry";

test.describe("fleet health for SREs", () => {
  test.afterAll(() => simulatorFaults([]));

  test("the heatmap shows every demo cell × service; filters live in the URL", async ({ openAs }) => {
    const page = await openAs("sre", "/");
    await expect(page.locator('[data-testid^="tile-"]')).toHaveCount(16 * 5);
    await page.getByLabel("Tier", { exact: true }).selectOption("enterprise");
    await expect(page).toHaveURL(/tier=enterprise/);
    await expect(page.locator('[data-testid^="tile-"]')).toHaveCount(3 * 5);
    await page.getByLabel("Service", { exact: true }).selectOption("voice");
    await expect(page).toHaveURL(/service=voice/);
    await expect(page.locator('[data-testid^="tile-"]')).toHaveCount(3);
    // The URL alone reproduces the view (linkable in an incident channel).
    await open(page, "/?tier=enterprise&service=voice");
    await expect(page.locator('[data-testid^="tile-"]')).toHaveCount(3);
  });

  test("the page's first response carries the tiles; the page then polls the compact feed with its ETag", async ({ page, loginAs }) => {
    await loginAs("viewer");
    // The HTML as sent, before any script runs: the tiles and the fleet's state are in it.
    const html = await (await page.request.get("/?tier=enterprise")).text();
    expect(html.match(/data-testid="tile-enterprise-[a-z0-9-]+-(sms|voice|video|whatsapp|email)"/g)).toHaveLength(3 * 5);
    // In the browser, the refresh asks the feed with the ETag it holds, never the full health API:
    // first that of the page's lite feed (statuses and versions), then the whole feed's.
    const asked: { url: string; ifNoneMatch?: string }[] = [];
    page.on("request", (r) => {
      if (r.url().includes("/api/v1/fleet/")) asked.push({ url: r.url(), ifNoneMatch: r.headers()["if-none-match"] });
    });
    await open(page, "/");
    await expect.poll(() => asked.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    expect(asked.every((a) => a.url.includes("/api/v1/fleet/feed?since="))).toBe(true);
    expect(asked.map((a) => a.ifNoneMatch?.slice(0, 2))).toEqual(['"l', ...asked.slice(1).map(() => '"f')]);
    await expect(page.locator('[data-testid^="tile-"]')).toHaveCount(16 * 5);
  });

  test("an injected failing sample turns its tile red without a reload; the cell view names the impacted customers", async ({
    openAs,
    request,
  }) => {
    const cell = "enterprise-us-hipaa";
    simulatorFaults([{ kind: "silent", cell }]); // keep the simulator (if running) from overwriting the injected state
    const token = apiToken(["telemetry:write"]);
    const page = await openAs("sre", "/");
    const tile = page.getByTestId(`tile-${cell}-voice`);
    await expect(tile).toBeVisible();
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

    const res = await request.post("/api/v1/telemetry", {
      headers: { Authorization: `Bearer ${token}` },
      data: {
        samples: [
          healthySample(cell, "voice", { errorRate: 0.087, p99Ms: 1400 }),
          ...["sms", "video", "whatsapp", "email"].map((s) => healthySample(cell, s)),
        ],
      },
    });
    expect(res.status()).toBe(200);
    await expect(tile).toHaveAttribute("data-status", "red", { timeout: 10_000 });
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42); // no reload happened

    await tile.hover();
    await expect(page.getByTestId("tile-details")).toContainText("error rate 8.7%");
    await tile.click();
    await expect(page).toHaveURL(new RegExp(`/cells/${cell}\\?service=voice`));
    await expect(page.getByTestId("service-row-voice")).toContainText("Unhealthy");
    await expect(page.getByTestId("chart-errorRate")).toBeVisible();
    await expect(page.getByTestId("impact-banner")).toContainText("voice is unhealthy");
    await expect(page.getByTestId("cell-customers")).toContainText("enterprise-customer-123");
    await expect(page.getByTestId("runbooks")).toContainText(`Is ${cell} reachable?`);
  });

  test("an incident on several cells is one grouped row on the alerts page; on call acknowledges it once", async ({
    openAs,
    request,
    sessionAs,
  }) => {
    const token = apiToken(["alerts:write"]);
    const cells = ["smb-us-1", "smb-us-2", "smb-eu-1", "smb-ap-1"];
    const type = `carrier_outage_${Date.now()}`;
    // One critical sms alert per cell, all of the same type: firing, and later resolved.
    const alertEach = (summary: string, status: "firing" | "resolved") =>
      request.post("/api/v1/alerts", {
        headers: { Authorization: `Bearer ${token}` },
        data: cells.map((cell, i) => ({ type, cell, service: "sms", severity: "critical", summary, status, dedupKey: `${type}-${i}` })),
      });
    const res = await alertEach("carrier rejects messages", "firing");
    expect(res.status()).toBe(200);
    const page = await openAs("sre", "/alerts");
    const group = page.locator(`[data-testid="alert-group"][data-type="${type}"]`);
    await expect(group).toHaveCount(1);
    await expect(group.getByTestId("group-cell-count")).toHaveText("4");
    await group.getByText("Show the 4 affected cells").click();
    await expect(group.getByRole("link", { name: "smb-eu-1" })).toBeVisible();

    // The SRE acknowledges the whole issue with a comment: one click for the four cells.
    await group.getByLabel(`Acknowledgement comment for ${type}`).fill("paged the carrier; INC-4521");
    const ack = await captureAction(page, () => group.getByRole("button", { name: "Acknowledge 4 alerts" }).click());
    await expect(group.getByTestId("group-ack")).toContainText("Acknowledged by sre@cellplane.local");
    await expect(group.getByTestId("group-ack")).toContainText("paged the carrier; INC-4521");
    await expect(group.getByRole("button", { name: /Acknowledge/ })).toHaveCount(0);
    // A viewer sees no control, and the server refuses the same action sent with a viewer's session.
    const viewerCtx = await sessionAs("viewer");
    const replayed = await replayAction(viewerCtx.request, ack);
    expect(replayed.text).toContain("FORBIDDEN");
    await viewerCtx.close();
    // The incident is over: resolve it so later journeys start from a quiet fleet.
    const resolved = await alertEach("recovered", "resolved");
    expect(await resolved.json()).toMatchObject({ resolved: 4 });
  });

  test("keyboard: tiles take focus and arrow keys move between them, showing details", async ({ openAs }) => {
    const page = await openAs("viewer", "/?tier=smb");
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute("data-testid"));
    const details = page.getByTestId("tile-details");
    const first = page.locator('[data-testid^="tile-"]').first();
    const firstId = (await first.getAttribute("data-testid"))!;
    const firstCell = firstId.replace(/^tile-/, "").replace(/-sms$/, "");
    expect(firstId, "the first tile is a cell's first service").toBe(`tile-${firstCell}-sms`);
    await first.focus();
    await expect(details).toContainText(firstCell);
    await expect(details).toContainText("sms");
    // Right: the next service of the same cell, and the details follow.
    await page.keyboard.press("ArrowRight");
    expect(await focused()).toBe(`tile-${firstCell}-voice`);
    await expect(details).toContainText("voice");
    // Down: the same service of the first cell on the next line of tiles.
    const nextLineCell = await page.evaluate((cell) => {
      const lines = [...document.querySelectorAll('[data-testid="heatmap"] [role="row"]')].filter((r) => r.querySelector("[data-cell]"));
      const at = lines.findIndex((r) => r.querySelector(`[data-cell="${cell}"]`));
      return lines[at + 1]?.querySelector("[data-cell]")?.getAttribute("data-cell") ?? null;
    }, firstCell);
    expect(nextLineCell, "more than one line of smb cells").not.toBeNull();
    await page.keyboard.press("ArrowDown");
    expect(await focused()).toBe(`tile-${nextLineCell}-voice`);
    await expect(details).toContainText(nextLineCell!);
    // Up and Left come back the same way; Home is the first tile.
    await page.keyboard.press("ArrowUp");
    expect(await focused()).toBe(`tile-${firstCell}-voice`);
    await page.keyboard.press("ArrowLeft");
    expect(await focused()).toBe(firstId);
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("Home");
    expect(await focused()).toBe(firstId);
  });
});

test.describe("telemetry and health APIs", () => {
  test("ingest: 401 without a token, 403 with the wrong scope, 400 names index and field, 413, 422 lists unknowns", async ({ request }) => {
    const good = { samples: [healthySample("smb-us-4", "email")] };
    expect((await request.post("/api/v1/telemetry", { data: good })).status()).toBe(401);
    const wrong = apiToken(["fleet:read"]);
    expect((await request.post("/api/v1/telemetry", { headers: { Authorization: `Bearer ${wrong}` }, data: good })).status()).toBe(403);
    const token = apiToken(["telemetry:write"]);
    const auth = { Authorization: `Bearer ${token}` };
    const bad = await request.post("/api/v1/telemetry", {
      headers: auth,
      data: { samples: [healthySample("smb-us-4", "email"), healthySample("smb-us-4", "sms", { errorRate: 7 })] },
    });
    expect(bad.status()).toBe(400);
    expect((await bad.json()).error.details).toEqual([{ index: 1, field: "errorRate", message: expect.any(String) }]);
    const tooMany = await request.post("/api/v1/telemetry", {
      headers: auth,
      data: { samples: Array.from({ length: 5001 }, () => healthySample("smb-us-4", "email")) },
    });
    expect(tooMany.status()).toBe(413);
    const unknown = await request.post("/api/v1/telemetry", {
      headers: auth,
      data: { samples: [healthySample("smb-us-4", "email"), healthySample("nope-9", "fax")] },
    });
    expect(unknown.status()).toBe(422);
    expect((await unknown.json()).error.details).toMatchObject({ cells: ["nope-9"], services: ["fax"] });
    const ok = await request.post("/api/v1/telemetry", { headers: auth, data: good });
    expect(await ok.json()).toMatchObject({ received: 1, stored: 1 });
    // The app server answers this endpoint before Next.js routing, with the same headers as the rest.
    expect(ok.headers()).toMatchObject({
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "content-security-policy": expect.stringContaining("frame-ancestors 'none'"),
    });
    const again = await request.post("/api/v1/telemetry", { headers: auth, data: good });
    expect(await again.json()).toMatchObject({ received: 1, stored: 0, duplicates: 1 });
  });

  test("fleet health API serves bots with a fleet:read token; OpenAPI 3.1 describes it", async ({ request }) => {
    expect((await request.get("/api/v1/fleet/health")).status()).toBe(401);
    const token = apiToken(["fleet:read"]);
    const res = await request.get("/api/v1/fleet/health", { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status()).toBe(200);
    const body = await res.json();
    expect(body.cells).toHaveLength(16);
    expect(body.cells[0].services[0]).toHaveProperty("observedVersion");
    // The served OpenAPI document describes this response: the body validates against its schema.
    const doc = await (await request.get("/api/v1/openapi.json")).json();
    expect(doc.openapi).toBe("3.1.0");
    const op = doc.paths["/api/v1/fleet/health"].get;
    expect(JSON.stringify(op)).toContain("fleet:read");
    const validate = new Ajv2020({ strict: false }).compile(op.responses["200"].content["application/json"].schema);
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...body, cells: [{ ...body.cells[0], services: "none" }] })).toBe(false);
  });
});
