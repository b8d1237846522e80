import fs from "node:fs";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";
import { E2E } from "../playwright.config";
import { parseSfDate } from "../lib/gateway/headers";
import { apiToken, cli, expect, open, signInAs, simulatorFaults, test } from "./fixtures";
import { healthySample } from "./helpers/telemetry";

// A cell that joins the fleet for this test: it has reported nothing yet, so it lags whatever ran before.
const LAGGING = `smb-e2e-${Date.now() % 1_000_000}`;
const FLEET = fs.readFileSync("examples/fleet.yaml", "utf8");

/** Report API capabilities for every listed cell through the real telemetry API. */
async function report(request: APIRequestContext, token: string, rows: { cells: string[]; service: string; apiVersions: string[] }[]) {
  const res = await request.post("/api/v1/telemetry", {
    headers: { Authorization: `Bearer ${token}` },
    data: { samples: rows.flatMap((r) => r.cells.map((c) => healthySample(c, r.service, { apiVersions: r.apiVersions }))) },
  });
  expect(res.status(), await res.text()).toBe(200);
}

async function activeCells(request: APIRequestContext): Promise<string[]> {
  const res = await request.get("/api/v1/fleet/health");
  expect(res.status()).toBe(200);
  return ((await res.json()) as { cells: { id: string }[] }).cells.map((c) => c.id);
}

async function gatewayConfig(request: APIRequestContext, token: string, etag?: string) {
  return request.get("/api/v1/gateway/config", {
    headers: { Authorization: `Bearer ${token}`, Accept: "application/json", ...(etag ? { "If-None-Match": etag } : {}) },
  });
}

const statusOf = async (res: Awaited<ReturnType<typeof gatewayConfig>>, path: string) =>
  ((await res.json()) as { routes: { path: string; status: string }[] }).routes.find((r) => r.path === path)?.status;

test.describe("API versions at the edge", () => {
  let telemetry: string;
  let gateway: string;
  let cells: string[];

  test.beforeAll(async ({ browser, baseURL }) => {
    telemetry = apiToken(["telemetry:write"]);
    gateway = apiToken(["gateway:read"]);
    const ctx = await browser.newContext({ baseURL });
    await signInAs(ctx.request, "sre");
    const withNewCell = path.join(E2E.dataDir, "fleet-with-new-cell.yaml");
    fs.writeFileSync(withNewCell, `${FLEET}  - { id: ${LAGGING}, tier: smb, region: sa-east-1 }\n`);
    cli(["import", "fleet", withNewCell]);
    cells = (await activeCells(ctx.request)).filter((c) => c !== LAGGING);
    expect(cells.length).toBe(16);
    // Every cell serves sms v1+v2 and voice v1: the seed's table can be (re)imported as written.
    const all = [...cells, LAGGING];
    await report(ctx.request, telemetry, [
      { cells: all, service: "sms", apiVersions: ["v1", "v2"] },
      { cells: all, service: "voice", apiVersions: ["v1"] },
    ]);
    await ctx.close();
    cli(["import", "gateway", "examples/api-gateway-config.yaml"]);
  });
  test.afterAll(() => {
    simulatorFaults([]);
    // Back to the demo fleet (the joined cell is retired) for the journeys that follow.
    const demo = path.join(E2E.dataDir, "fleet-demo.yaml");
    fs.writeFileSync(demo, FLEET);
    cli(["import", "fleet", demo]);
  });

  test("release@ cannot enable /v2/Calls while a cell lacks voice v2; viewer@ is refused by the server; once every cell reports it, enable succeeds and the config shows it", async ({
    page,
    openAs,
    sessionAs,
  }) => {
    simulatorFaults([{ kind: "silent", cell: LAGGING }]); // a running simulator must not report for the lagging cell meanwhile
    await report(page.request, telemetry, [
      { cells, service: "voice", apiVersions: ["v1", "v2"] },
      { cells: [LAGGING], service: "voice", apiVersions: ["v1"] },
    ]);
    const before = await gatewayConfig(page.request, gateway);
    const etag = before.headers().etag!;
    expect(await statusOf(before, "/v2/Calls")).toBe("disabled");

    await openAs("release", "/gateway/routes/POST/v2/Calls");
    await expect(page.getByTestId(`readiness-${LAGGING}`)).toHaveAttribute("data-state", "missing");
    await expect(page.getByTestId("control-enable")).toContainText(`1 cell lacks voice v2 (${LAGGING})`);
    const [req] = await Promise.all([
      // The enable action's own request (its form carries the route's revision), not the blast radius preview's.
      page.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"] && (r.postData() ?? "").includes("revision")),
      page.getByRole("button", { name: "Enable POST /v2/Calls" }).click(),
    ]);
    await expect(page.getByTestId("lifecycle-error")).toContainText("Cannot enable POST /v2/Calls");
    await expect(page.getByTestId("lagging-cells")).toHaveText(LAGGING);
    const refused = await gatewayConfig(page.request, gateway, etag);
    expect(refused.status()).toBe(304); // nothing changed: same version

    // The fleet becomes ready: the lagging cell reports voice v2 too.
    await report(page.request, telemetry, [{ cells: [LAGGING], service: "voice", apiVersions: ["v1", "v2"] }]);

    // A viewer replaying the real server-action request is refused by the server itself.
    const viewerCtx = await sessionAs("viewer");
    const res = await viewerCtx.request.post("/gateway/routes/POST/v2/Calls", {
      headers: { "Next-Action": req.headers()["next-action"]!, "Content-Type": req.headers()["content-type"]!, Accept: "text/x-component" },
      data: req.postDataBuffer()!,
    });
    expect(res.status()).toBe(200);
    const text = await res.text();
    expect(text).toContain("FORBIDDEN");
    expect(text).toContain("VIEWER");
    await viewerCtx.close();
    expect((await gatewayConfig(page.request, gateway, etag)).status()).toBe(304);

    // The release manager enables it: one global switch.
    await open(page, "/gateway/routes/POST/v2/Calls");
    await expect(page.getByTestId(`readiness-${LAGGING}`)).toHaveAttribute("data-state", "ready");
    await page.getByRole("button", { name: "Enable POST /v2/Calls" }).click();
    await expect(page.getByTestId("lifecycle-success")).toContainText("POST /v2/Calls is now active");
    await expect(page.getByTestId("route-status").first()).toHaveText(/active/);
    await expect(page.getByTestId("audit-row").first()).toContainText("route.enable");

    const after = await gatewayConfig(page.request, gateway, etag);
    expect(after.status()).toBe(200);
    expect(after.headers().etag).not.toBe(etag);
    expect(await statusOf(after, "/v2/Calls")).toBe("active");
    expect((await gatewayConfig(page.request, gateway, after.headers().etag)).status()).toBe(304);
  });

  test("the gateway endpoints over HTTP: tokens and scopes, ETags, YAML, and the resolver's 200 with standard headers, 404 and 410", async ({
    openAs,
    request,
  }) => {
    expect((await request.get("/api/v1/gateway/config")).status()).toBe(401);
    const wrong = apiToken(["fleet:read"]);
    expect((await request.get("/api/v1/gateway/config", { headers: { Authorization: `Bearer ${wrong}` } })).status()).toBe(403);

    const yaml = await request.get("/api/v1/gateway/config", { headers: { Authorization: `Bearer ${gateway}` } });
    expect(yaml.headers()["content-type"]).toContain("application/yaml");
    const body = await yaml.text();
    expect(body).toContain("path: /v0/Messages");
    expect(body).not.toContain('Deprecation: "true"');
    expect(
      (
        await request.get("/api/v1/gateway/config", {
          headers: { Authorization: `Bearer ${gateway}`, "If-None-Match": yaml.headers().etag! },
        })
      ).status(),
    ).toBe(304);

    const resolve = (path: string, method = "POST") =>
      request.get(`/api/v1/gateway/resolve?method=${method}&path=${encodeURIComponent(path)}`, {
        headers: { Authorization: `Bearer ${gateway}` },
      });
    const dep = await resolve("/v0/Messages");
    expect(dep.status()).toBe(200);
    // What a client library sees: an RFC 9745 date and an RFC 8594 HTTP-date it can parse.
    expect(parseSfDate(dep.headers().deprecation!)?.toISOString()).toBe("2025-01-15T00:00:00.000Z");
    expect(new Date(Date.parse(dep.headers().sunset!)).toISOString()).toBe("2025-06-01T00:00:00.000Z");
    expect((await dep.json()).backend).toBe("https://cell-router.internal/sms/v1/messages");
    expect((await resolve("/v9/Faxes")).status()).toBe(404);
    expect((await resolve("/v1/Messages", "DELETE")).status()).toBe(405);

    // A release manager sunsets /v0/Messages with a typed confirmation; the resolver then answers 410.
    const page = await openAs("release", "/gateway/routes/POST/v0/Messages");
    const sunset = page.getByRole("button", { name: "Sunset POST /v0/Messages" });
    await expect(sunset).toBeDisabled();
    await page.getByLabel("Type the route to confirm").fill("POST /v0/Messages");
    await sunset.click();
    await expect(page.getByTestId("lifecycle-success")).toContainText("is now sunset");
    const gone = await resolve("/v0/Messages");
    expect(gone.status()).toBe(410);
    expect((await gone.json()).outcome).toBe("gone");

    // The "try a request" panel asks the same resolver, with the browser session.
    await open(page, "/gateway");
    await page.getByLabel("Path").fill("/v0/Messages");
    await page.getByRole("button", { name: "Resolve" }).click();
    await expect(page.getByTestId("resolve-status")).toHaveText("410 Gone");
    await page.getByLabel("Path").fill("/v1/Messages");
    await page.getByLabel("Customer").fill("enterprise-customer-123");
    await page.getByRole("button", { name: "Resolve" }).click();
    await expect(page.getByTestId("resolve-status")).toHaveText("200 forwarded");
    await expect(page.getByTestId("resolve-result")).toContainText("lives on enterprise-us-hipaa");
  });

  test("release@ imports the seed's file as written in the UI (legacy header converted, with a warning); a bad file names the line and changes nothing", async ({
    openAs,
  }) => {
    const page = await openAs("release", "/gateway/import");
    const example = fs.readFileSync("examples/api-gateway-config.yaml", "utf8");
    await page
      .getByLabel("Gateway config YAML")
      .fill(example.replace("sunset_date: 2025-06-01", "sunset_date: 2025-06-01\n    deprecation_date: 2025-07-01"));
    await page.getByRole("button", { name: "Import" }).click();
    await expect(page.getByTestId("import-error")).toContainText("Nothing was changed");
    await expect(page.getByTestId("import-errors")).toContainText(
      "line 17: routes[2].sunset_date: sunset 2025-06-01 precedes deprecation 2025-07-01",
    );

    await page.getByLabel("Gateway config YAML").fill(example);
    await page.getByRole("button", { name: "Preview changes" }).click();
    await expect(page.getByTestId("import-warnings")).toContainText(
      'line 19: routes[2].response_headers.Deprecation: legacy value "true" converted',
    );
    await expect(page.getByTestId("import-success")).toContainText("Preview: 5 routes");
    await page.getByRole("button", { name: "Import" }).click();
    await expect(page.getByTestId("import-success")).toContainText("Imported 5 routes");

    await open(page, "/gateway");
    await expect(page.getByTestId("resource-Messages")).toBeVisible();
    await expect(page.getByTestId("resource-Calls")).toBeVisible();
    await expect(page.getByTestId("route-row-POST /v0/Messages").getByTestId("route-status")).toHaveText(/deprecated/);
    await expect(page.getByTestId("plan-POST Calls v1→v2")).toBeVisible();
  });
});
