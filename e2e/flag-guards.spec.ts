import fs from "node:fs";
import path from "node:path";
import { E2E } from "../playwright.config";
import { cli, expect, open, simulatorFaults, test } from "./fixtures";
import { steersSimulator } from "./helpers/simulator";

// A product owner's ramp holds by itself: the simulator makes the cells where the flag is on fail
// (its `flag` fault: a cell's error rate rises with the share of its customers the flag is on for),
// the flag's guard sees those cells breach against their own window before the step, holds the
// ramp and says why on the page; the product owner resumes it, audited.
test.describe.configure({ mode: "serial" });

test.describe("guarded ramps", () => {
  steersSimulator(180_000);

  test("product@ guards a ramp; when flag-on cells fail it holds by itself with the reason on the page; product@ resumes it", async ({
    page,
    openAs,
  }) => {
    const key = `e2eGuardedRamp${Date.now()}`;
    const stepAt = new Date(Date.now() + 45_000);
    const file = path.join(E2E.dataDir, `${key}.yaml`);
    fs.writeFileSync(
      file,
      `flags:
  - key: ${key}
    description: "A codec ramp on two EU cells, guarded"
    owner: voice-team
    enabled: true
    rolloutPercentage: 0
    targeting: { tiers: [], cells: [smb-eu-3, smb-eu-4], regions: [] }
    schedule:
      - { at: ${stepAt.toISOString()}, percentage: 100 }
      - { at: ${new Date(stepAt.getTime() + 7 * 86_400_000).toISOString()}, percentage: 100 }
`,
    );
    cli(["import", "flags", file]);

    // The product owner guards the ramp from the flag page (the checks of pipelines, one per line).
    await openAs("product", `/flags/${key}`);
    await expect(page.getByTestId("flag-guard")).toContainText("No guard");
    await page.getByLabel("Guard checks").fill("error_rate < 2x baseline\nerror_rate < 1%");
    await page.getByLabel("On breach").selectOption("hold");
    await page.getByRole("button", { name: "Guard this ramp" }).click();
    await expect(page.getByTestId("flag-guard")).toContainText("error_rate < 2x baseline", { timeout: 15_000 });
    await expect(page.getByTestId("flag-guard")).toContainText("hold at the current step");
    await expect(page.getByTestId("flag-guard")).toContainText("notify slack://voice-team");

    // The code behind the flag fails wherever it is on.
    simulatorFaults([{ kind: "flag", flag: key, errorRate: 0.05 }]);

    // The step to 100% comes; the cells fail; the guard holds the ramp by itself.
    await expect(async () => {
      await open(page, `/flags/${key}`);
      await expect(page.getByTestId("ramp-held")).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 120_000, intervals: [2_000] });
    await expect(page.getByTestId("ramp-held")).toContainText("Ramp held by its guard at 100%");
    await expect(page.getByTestId("ramp-held")).toContainText("slack://voice-team notified");
    await expect(page.getByTestId("ramp-held-reason")).toHaveText(
      /^Guard breach at .* UTC: error_rate < (2x baseline|1%) breached: smb-eu-[34]: /,
    );
    await expect(page.getByTestId("rollout-current")).toHaveText("100%");
    await expect(page.getByTestId("guard-state")).toHaveAttribute("data-state", "breached");
    await expect(page.locator('[data-testid="guard-row"][data-state="breach"]').first()).toBeVisible();
    await expect(page.getByTestId("flag-deliveries")).toContainText("flag_ramp_held → slack://voice-team");
    // Held: the percentage cannot be set by hand until the ramp is resumed.
    await expect(page.getByTestId("rollout-save")).toHaveCount(0);

    // The fix is in; the product owner resumes the ramp, saying why (audited).
    simulatorFaults([]);
    await page.getByLabel("Resume comment").fill("codec fix rolled out, errors gone");
    await page.getByTestId("resume-ramp").click();
    await expect(page.getByTestId("ramp-held")).toHaveCount(0, { timeout: 15_000 });
    const history = page.getByTestId("flag-history");
    await expect(history).toContainText("ramp resumed: 100% in force");
    await expect(history).toContainText("“codec fix rolled out, errors gone”");
    await expect(history).toContainText(/ramp held by its guard at 100% \(error_rate < (2x baseline|1%)\)/);
  });
});
