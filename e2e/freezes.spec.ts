import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { E2E } from "../playwright.config";
import { canaryThenAll, expandPhase, migrationYaml } from "../tests/support/yaml-fixtures";
import { adminDatabaseUrl, cli, expect, open, test } from "./fixtures";

// A freeze covers everything: an admin declares one; a product owner's raise is refused with the
// reason on the page; the flag's scheduled ramp holds; the migration and route pages say the freeze
// is why; the admin ends it and the ramp goes on (the step that passed applies), raises work again.
const reason = `e2e year-end close ${Date.now().toString(36)}`;

test.afterEach(async () => {
  // Whatever happened, leave no freeze in force for the journeys after this one.
  const c = new pg.Client({ connectionString: adminDatabaseUrl() });
  await c.connect();
  await c.query("UPDATE freezes SET ends_at = now() WHERE reason = $1 AND ends_at > now()", [reason]);
  await c.end();
});

test("a freeze holds flag raises and ramps, migration steps and route enablement, each page says why; then things proceed", async ({
  page,
  loginAs,
}) => {
  test.setTimeout(120_000);
  const key = `e2eFrozen${Date.now().toString(36)}`;
  const migration = `e2e-frozen-${Date.now().toString(36)}`;
  const iso = (ms: number) => new Date(Date.now() + ms).toISOString().replace(/\.\d+Z$/, "Z");
  const step = iso(25_000);
  const file = path.join(E2E.dataDir, `${key}.yaml`);
  fs.writeFileSync(
    file,
    `flags:
  - key: ${key}
    description: "a ramp that meets a freeze"
    owner: "e2e"
    enabled: true
    rolloutPercentage: 5
    schedule:
      - { at: ${step}, percentage: 50 }
`,
  );
  cli(["import", "flags", file]);
  const manifest = path.join(E2E.dataDir, `${migration}.yaml`);
  fs.writeFileSync(manifest, migrationYaml(migration, [expandPhase(canaryThenAll())]));
  cli(["import", "migration", manifest]);

  // An admin declares a freeze from this minute for two hours.
  await loginAs("admin");
  await open(page, "/settings");
  const local = (ms: number) => new Date(Date.now() + ms).toISOString().slice(0, 16);
  const form = page.getByTestId("freeze-form");
  await form.getByLabel("Starts (UTC)").fill(local(0));
  await form.getByLabel("Ends (UTC)").fill(local(2 * 3600_000));
  await form.getByLabel("Reason").fill(reason);
  await form.getByRole("button", { name: "Declare freeze" }).click();
  await expect(page.getByTestId("freezes")).toContainText(reason);

  // A product owner's raise is refused on the server, with the freeze's reason on the page.
  await loginAs("product");
  await open(page, `/flags/${key}`);
  await expect(page.getByTestId("freeze-banner")).toContainText(reason);
  await expect(page.getByTestId("rollout-current")).toHaveText("5%");
  await page.getByTestId("rollout-input").fill("30");
  await expect(page.getByTestId("rollout-frozen")).toContainText(`Raising the percentage is refused during the fleet freeze until`);
  await page.getByTestId("rollout-save").click();
  await expect(page.getByTestId("rollout-error")).toContainText(
    `Changing "${key}" (raising the rollout percentage from 5% to 30%) is refused during the fleet freeze until`,
  );
  await expect(page.getByTestId("rollout-error")).toContainText(reason);

  // The scheduled step to 50% passes during the freeze: 5% stays in force, and the page says why.
  await expect
    .poll(
      async () => {
        await open(page, `/flags/${key}`);
        return page.getByTestId("freeze-ramp").count();
      },
      { timeout: 60_000, intervals: [2_000] },
    )
    .toBe(1);
  await expect(page.getByTestId("freeze-ramp")).toContainText("The schedule says 50%: that step waits for the freeze.");
  await expect(page.getByTestId("rollout-current")).toHaveText("5%");

  // The migration page and the route page say the freeze is why.
  await open(page, `/migrations/${migration}`);
  await expect(page.getByTestId("freeze-banner")).toContainText(reason);
  await expect(page.getByTestId("freeze-banner")).toContainText("No cell of");
  await open(page, "/gateway/routes/POST/v2/Calls");
  await expect(page.getByTestId("freeze-banner")).toContainText(reason);
  await expect(page.getByTestId("freeze-banner")).toContainText("no route is enabled at the edge");

  // The admin ends the freeze: the step that passed applies at once, and raising works again.
  await loginAs("admin");
  await open(page, "/settings");
  await page.getByTestId("freezes").locator("li", { hasText: reason }).getByRole("button", { name: "End now" }).click();
  await expect(page.getByTestId("freezes")).not.toContainText(reason);
  await loginAs("product");
  await open(page, `/flags/${key}`);
  await expect(page.getByTestId("freeze-banner")).toHaveCount(0);
  await expect(page.getByTestId("rollout-current")).toHaveText("50%");
  await page.getByTestId("rollout-input").fill("60");
  await page.getByTestId("rollout-save").click();
  await expect(page.getByTestId("rollout-current")).toHaveText("60%");
});
