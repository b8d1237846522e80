import fs from "node:fs";
import { apiToken, captureAction, expect, replayAction, test } from "./fixtures";

test.describe("schema migrations: the agent API", () => {
  test("assignments and progress need a migrations:agent token; bad or misplaced reports are refused", async ({ request }) => {
    expect((await request.get("/api/v1/cells/smb-us-1/assignments")).status()).toBe(401);
    const wrong = apiToken(["fleet:read"]);
    expect((await request.get("/api/v1/cells/smb-us-1/assignments", { headers: { Authorization: `Bearer ${wrong}` } })).status()).toBe(403);
    const token = apiToken(["migrations:agent"]);
    const auth = { Authorization: `Bearer ${token}` };
    const ok = await request.get("/api/v1/cells/smb-us-1/assignments", { headers: auth });
    expect(ok.status()).toBe(200);
    expect((await request.get("/api/v1/cells/no-such-cell/assignments", { headers: auth })).status()).toBe(404);

    const url = "/api/v1/migrations/no-such-migration/cells/smb-us-1/progress";
    expect((await request.post(url, { data: { phase: "backfill", status: "running" } })).status()).toBe(401);
    expect((await request.post(url, { headers: auth, data: { phase: "backfill", status: "exploding" } })).status()).toBe(400);
    const missing = await request.post(url, { headers: auth, data: { phase: "backfill", status: "running", rows: 10 } });
    expect(missing.status()).toBe(404);
    expect((await missing.json()).error.message).toContain("no migration no-such-migration");
  });
});

test.describe("schema migrations: the seed's manifest", () => {
  test("imports as written from the UI: its .py backfill is recorded by path for agent mode, and the preview says direct mode refuses it", async ({
    openAs,
  }) => {
    const page = await openAs("release", "/migrations/import");
    await page.getByLabel("Manifest", { exact: true }).fill(fs.readFileSync("examples/migration-manifest.yaml", "utf8"));
    await page.getByRole("button", { name: "Preview" }).click();
    const preview = page.getByTestId("migration-preview");
    await expect(preview).toContainText(
      "expand (schema) → migrate-code (deployment) → backfill (data) → migrate-code-readonly (deployment) → contract (schema)",
    );
    await expect(preview).toContainText("migrations/001_backfill_recipient_id.py is not SQL");
    await expect(preview).toContainText("recorded by path for the cells' agents: migrations/001_backfill_recipient_id.py");
    await page.getByRole("button", { name: "Import" }).click();
    await expect(page).toHaveURL(/\/migrations\/2025-01-15-recipient-id-column$/, { timeout: 15_000 });
    await expect(page.getByTestId("migration-status")).toHaveText("ready");
    await expect(page.getByTestId("summary-line")).toContainText("0% complete (0/80 cell-phases)");
  });
});

test.describe("schema migrations: roles", () => {
  test("a viewer replaying a release manager's migration action is refused by the server", async ({ openAs, sessionAs }) => {
    const page = await openAs("release", "/migrations/import");
    await page.getByLabel("Manifest", { exact: true }).fill(fs.readFileSync("examples/migration-manifest.sql.yaml", "utf8"));
    const captured = await captureAction(page, () => page.getByRole("button", { name: "Preview" }).click());
    expect((await replayAction(page.request, captured)).text).not.toContain("FORBIDDEN");
    const viewer = await sessionAs("viewer");
    const refused = await replayAction(viewer.request, captured);
    expect(refused.text).toContain("FORBIDDEN");
    expect(refused.text).toContain("VIEWER");
    await viewer.close();
  });
});
