import fs from "node:fs";
import path from "node:path";
import { E2E } from "../playwright.config";
import { cli, expect, open, test } from "./fixtures";

// A schedule must not silently undo a percentage set by hand: the flag page warns when the next
// step is lower, and keeps the hand-set value on request (the lower steps dropped).
test("the flag page warns that the next scheduled step lowers a hand-set 10%, and keeps 10% on request", async ({ openAs, loginAs }) => {
  const key = `e2eLower${Date.now().toString(36)}`;
  const day = 24 * 3600_000;
  const at = (ms: number) => new Date(Date.now() + ms).toISOString().replace(/\.\d+Z$/, "Z");
  const file = path.join(E2E.dataDir, `${key}.yaml`);
  fs.writeFileSync(
    file,
    `flags:
  - key: ${key}
    description: "a ramp that a person got ahead of"
    owner: "e2e"
    enabled: true
    rolloutPercentage: 10
    schedule:
      - { at: ${at(-day)}, percentage: 0 }
      - { at: ${at(23 * 3600_000)}, percentage: 5 }
      - { at: ${at(3 * day)}, percentage: 100 }
`,
  );
  cli(["import", "flags", file]);

  const page = await openAs("viewer", `/flags/${key}`);
  const warning = page.getByTestId("schedule-lowers");
  await expect(warning).toContainText("The next scheduled step lowers the rollout: 10% now (set by hand) → 5%");
  await expect(warning.getByRole("button")).toHaveCount(0); // viewers are told, product owners decide

  await loginAs("product");
  await open(page, `/flags/${key}`);
  await page.getByRole("button", { name: "Keep 10%: drop the lower step" }).click();
  await expect(warning).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByTestId("schedule-step")).toHaveCount(2);
  await open(page, `/audit?targetType=flag&targetId=${key}`);
  await expect(page.getByTestId("audit-row").first()).toContainText("flag.schedule");
});
