import type { APIRequestContext } from "@playwright/test";
import { apiToken, expect, open, simulatorFaults, test } from "./fixtures";
import { steersSimulator } from "./helpers/simulator";
import { healthySample } from "./helpers/telemetry";

// Readiness comes from the version each cell runs now: a cell rolled back to a version without the
// handlers is not ready at once (not 15 minutes later), the open page shows it without a reload,
// and a customer homed there after a forced enable is answered 503 cell_not_ready — which the edge
// config carries too.
test.describe.configure({ mode: "serial" });

const ROUTE = "POST /v2/Calls";

async function report(request: APIRequestContext, token: string, cells: string[], version: string, apiVersions: string[]) {
  const res = await request.post("/api/v1/telemetry", {
    headers: { Authorization: `Bearer ${token}` },
    data: { samples: cells.map((cell) => healthySample(cell, "voice", { version, apiVersions })) },
  });
  expect(res.status(), await res.text()).toBe(200);
}

test.describe("readiness from current versions", () => {
  steersSimulator(180_000);

  test("a cell rolled back is not ready at once; after a forced enable its customers get 503 cell_not_ready, and the edge config lists the cell", async ({
    page,
    loginAs,
  }) => {
    simulatorFaults([{ kind: "silent", cell: "*" }]); // the simulator's own reports must not interleave
    const telemetry = apiToken(["telemetry:write"]);
    const edge = apiToken(["gateway:read"]);
    await loginAs("admin");
    const cells = ((await (await page.request.get("/api/v1/fleet/health")).json()) as { cells: { id: string }[] }).cells.map((c) => c.id);
    await report(page.request, telemetry, cells, "v3.2.0", ["v1", "v2"]);

    await open(page, "/gateway/routes/POST/v2/Calls");
    const lagging = "smb-eu-2";
    await expect(page.getByTestId(`readiness-${lagging}`)).toHaveAttribute("data-state", "ready");
    // smb-eu-2 goes back to voice v3.1.2, which serves v1 only: the open page says so without a reload.
    await report(page.request, telemetry, [lagging], "v3.1.2", ["v1"]);
    await expect(page.getByTestId(`readiness-${lagging}`)).toHaveAttribute("data-state", "outdated", { timeout: 20_000 });

    const status = await page.getByTestId("route-status").first().getAttribute("data-status");
    if (status === "disabled") {
      await page.getByRole("button", { name: `Enable ${ROUTE}` }).click();
      await expect(page.getByTestId("lifecycle-error")).toContainText(lagging);
      // The refusal is said once, not twice.
      await expect(page.getByText(/Cannot enable POST \/v2\/Calls/)).toHaveCount(1);
      await page.getByLabel("Reason to force").fill("carrier deadline; smb-eu-2 follows tomorrow");
      await page.getByRole("button", { name: "Force enable" }).click();
      await expect(page.getByTestId("lifecycle-success")).toContainText("is now active");
    }

    // A customer homed on the lagging cell: a clear 503, not "routed" with a flag buried in the JSON.
    await open(page, `/cells/${lagging}`);
    const customer = (await page.getByTestId("cell-customers").locator("li .font-mono").first().innerText()).trim();
    const answer = await page.request.get(`/api/v1/gateway/resolve?method=POST&path=/v2/Calls&customer=${encodeURIComponent(customer)}`, {
      headers: { Authorization: `Bearer ${edge}` },
    });
    expect(answer.status()).toBe(503);
    expect(answer.headers()["retry-after"]).toBe("60");
    expect(await answer.json()).toMatchObject({
      outcome: "cell_not_ready",
      cell: { id: lagging, capability: "outdated", running: "v3.1.2" },
    });
    const config = await page.request.get("/api/v1/gateway/config", {
      headers: { Authorization: `Bearer ${edge}`, Accept: "application/json" },
    });
    expect((await config.json()).cell_readiness).toMatchObject({
      on_unready_cell: { status: 503, retry_after_seconds: 60 },
      unready: { [ROUTE]: [lagging] },
    });
    const etag = config.headers().etag!;

    // Back on v3.2.0: ready again at once, and the edge config's ETag moves.
    await report(page.request, telemetry, [lagging], "v3.2.0", ["v1", "v2"]);
    const again = await page.request.get("/api/v1/gateway/config", {
      headers: { Authorization: `Bearer ${edge}`, Accept: "application/json", "If-None-Match": etag },
    });
    expect(again.status()).toBe(200);
    expect((await again.json()).cell_readiness.unready[ROUTE]).toBeUndefined();
  });
});
