import fs from "node:fs";
import pg from "pg";
import type { Page } from "@playwright/test";
import { adminDatabaseUrl, expect, open, test } from "./fixtures";

// The seed's migration, for real: every demo cell has its own database with a messages table.
// The run's speed compresses the manifest's waits (168 h → 6 s) and the bakes of the two deployment
// phases' releases — real releases through the standard pipeline, gated for enterprise. Each cell moves
// on its own: a cell backfills as soon as the code release has reached it.
const MANIFEST = fs.readFileSync("examples/migration-manifest.sql.yaml", "utf8");
const ID = "2025-01-15-recipient-id-column";
const SPEED = "100000";

/** release2@ approves the enterprise gate of a deployment phase's release on the release page. */
async function approveRelease(page2: Page, releasePath: string, note: string) {
  await open(page2, releasePath);
  await expect(page2.getByTestId("approval-panel")).toBeVisible({ timeout: 240_000 });
  await page2.getByLabel("Approval comment").fill(note);
  await page2.getByRole("button", { name: "Approve" }).click();
  await expect(page2.getByTestId("approvals")).toContainText(note, { timeout: 15_000 });
}

test.describe("schema migrations, cell by cell", () => {
  test.setTimeout(900_000);

  test("release@ runs the seed's migration; release2@ approves, typing the id for the contract; every cell database ends migrated", async ({
    openAs,
    sessionAs,
  }) => {
    const page = await openAs("release", "/migrations/import");
    await page.getByLabel("Manifest", { exact: true }).fill(MANIFEST.replace("wait: 4h", "wait: soon"));
    await page.getByRole("button", { name: "Preview" }).click();
    await expect(page.getByTestId("import-error")).toContainText("line 15: phases[0].rollout[1].wait");
    await page.getByLabel("Manifest", { exact: true }).fill(MANIFEST);
    await page.getByRole("button", { name: "Preview" }).click();
    await expect(page.getByTestId("migration-preview")).toContainText("expand (schema) → migrate-code (deployment) → backfill (data)");
    await page.getByRole("button", { name: "Import" }).click();
    await expect(page).toHaveURL(new RegExp(`/migrations/${ID}$`), { timeout: 15_000 });
    const url = new URL(page.url()).pathname;

    await page.getByLabel("Speed").fill(SPEED);
    await page.getByRole("button", { name: "Start migration" }).click();
    await expect(page.getByTestId("migration-status")).toHaveText(/running|awaiting approval/);
    await expect(page.getByTestId("cell-canary-us-internal-expand")).toHaveAttribute("data-status", "complete", { timeout: 30_000 });
    await expect(page.getByTestId("can-rollback")).toHaveText("yes");

    const ctx2 = await sessionAs("release2");
    const page2 = await ctx2.newPage();

    // Enterprise expand: a four-eyes approval (the starter is told why they cannot).
    await expect(page.getByTestId("migration-approval")).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId("approval-not-allowed")).toContainText("Four-eyes");
    await open(page2, url);
    await page2.getByLabel("Approval comment").fill("expand on enterprise: CAB-77");
    await page2.getByRole("button", { name: "Approve" }).click();
    await expect(page2.getByTestId("approvals")).toContainText("CAB-77", { timeout: 15_000 });
    await expect(page2.getByTestId("cell-enterprise-us-hipaa-expand")).toHaveAttribute("data-status", "complete", { timeout: 30_000 });

    // migrate-code: a release of sms v2.5.0 through the standard pipeline, at the run's speed.
    const rel1 = page2.getByTestId("release-link-migrate-code");
    await expect(rel1).toBeVisible({ timeout: 30_000 });
    const rel1Path = (await rel1.getAttribute("href"))!;

    // Cells the release has reached backfill while it waits at its enterprise gate: bars move (some
    // cell seen part-way), never more than 3 cells at once; each cell shows its own phase.
    await open(page, url);
    const seen = new Set<number>();
    let said = false;
    await expect
      .poll(
        async () => {
          const running = page.locator('[data-testid="backfill-cell"][data-status="running"]');
          expect(await running.count()).toBeLessThanOrEqual(3);
          for (const v of await running
            .getByRole("progressbar")
            .evaluateAll((els) => els.map((e) => Number(e.getAttribute("aria-valuenow")))))
            seen.add(v);
          said ||= ((await page.getByTestId("summary-line").textContent()) ?? "").includes("Backfilling");
          return said && [...seen].some((v) => v > 0 && v < 100);
        },
        { timeout: 120_000, intervals: [200] },
      )
      .toBe(true);
    await expect(page.getByTestId("cell-now-enterprise-us-hipaa")).toHaveAttribute("data-phase", "migrate-code");

    await approveRelease(page2, rel1Path, "dual-write code, CAB-78");
    await open(page, url);
    await expect(page.getByTestId("phase-migrate-code")).toHaveAttribute("data-status", "complete", { timeout: 240_000 });
    await expect(page.getByTestId("phase-backfill")).toHaveAttribute("data-status", "complete", { timeout: 120_000 });
    await expect(page.locator('[data-testid="backfill-cell"][data-status="complete"]')).toHaveCount(16);
    await expect(page.locator('[data-testid="backfill-cell"]').first()).toContainText("verified: 0 rows left");

    // migrate-code-readonly: sms v2.6.0, its gate decided from the approvals inbox, which says the
    // release holds up this migration and shows it without a reload.
    const rel2 = page2.getByTestId("release-link-migrate-code-readonly");
    await open(page2, url);
    await expect(rel2).toBeVisible({ timeout: 30_000 });
    const rel2Path = (await rel2.getAttribute("href"))!;
    await open(page2, "/approvals");
    const releaseGate = page2.locator(`[data-testid="gate"][data-subject="${rel2Path.split("/").pop()}"]`);
    await expect(releaseGate).toBeVisible({ timeout: 240_000 });
    await expect(releaseGate).toContainText(`Part of migration ${ID}`);
    await releaseGate.getByLabel("Decision comment").fill("read-only code, CAB-79");
    await releaseGate.getByRole("button", { name: "Approve" }).click();
    await expect(releaseGate).toHaveCount(0, { timeout: 15_000 });
    await open(page2, rel2Path);
    await expect(page2.getByTestId("approvals")).toContainText("CAB-79");

    // Contract: canRollback flips; the enterprise step is the point of no return.
    await open(page, url);
    await expect(page.getByTestId("can-rollback")).toHaveText("no", { timeout: 240_000 });
    await expect(page.getByTestId("rollback-reason")).toContainText("point of no return");
    await expect(page.getByTestId("migration-approval")).toBeVisible({ timeout: 60_000 });
    await open(page2, url);
    await expect(page2.getByTestId("point-of-no-return")).toContainText("cannot be undone");
    // release2@ decides it from the approvals inbox, typing the migration id.
    await open(page2, "/approvals");
    const contract = page2.locator(`[data-testid="gate"][data-subject="${ID}"]`);
    await expect(contract.getByTestId("gate-irreversible")).toContainText("cannot be undone");
    await contract.getByLabel("Decision comment").fill("contract on enterprise, CAB-80");
    await contract.getByLabel("Type the migration id to confirm").fill("2025-01-15");
    await expect(contract.getByRole("button", { name: "Approve" })).toBeDisabled();
    await contract.getByLabel("Type the migration id to confirm").fill(ID);
    await contract.getByRole("button", { name: "Approve" }).click();
    await expect(contract).toHaveCount(0, { timeout: 15_000 });
    await open(page2, url);
    await expect(page2.getByTestId("approvals")).toContainText("CAB-80", { timeout: 15_000 });

    await expect(page2.getByTestId("migration-status")).toHaveText("succeeded", { timeout: 60_000 });
    await expect(page2.getByTestId("summary-line")).toHaveAttribute("data-percent", "100");
    await expect(page2.getByTestId("summary-line")).toContainText("100% complete (80/80 cell-phases)");
    await ctx2.close();

    // Every cell database: recipient_id filled for every row, to_phone gone.
    const main = new pg.Client({ connectionString: adminDatabaseUrl() });
    await main.connect();
    const { rows: dbs } = await main.query<{ cell_id: string; url: string }>("SELECT cell_id, url FROM cell_databases ORDER BY cell_id");
    await main.end();
    expect(dbs).toHaveLength(16);
    for (const d of dbs) {
      const c = new pg.Client({ connectionString: d.url });
      await c.connect();
      const cols = (
        await c.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_name = 'messages'")
      ).rows.map((r) => r.column_name);
      const [counts] = (
        await c.query<{ total: number; missing: number }>(
          "SELECT count(*)::int AS total, count(*) FILTER (WHERE recipient_id IS NULL)::int AS missing FROM messages",
        )
      ).rows;
      await c.end();
      expect(cols, d.cell_id).toContain("recipient_id");
      expect(cols, d.cell_id).not.toContain("to_phone");
      expect(counts!.total, d.cell_id).toBeGreaterThanOrEqual(20_000);
      expect(counts!.missing, d.cell_id).toBe(0);
    }
  });
});
