import { defineConfig, devices } from "@playwright/test";
import { CHROMIUM_ARGS, SYSTEM_CHROMIUM } from "./scripts/support/chromium";

// E2E runs against the real app: `npm start`'s own start-up (embedded PostgreSQL in its own data
// folder and port, migrations, demo seed) serving the production build.
const PORT = Number(process.env.E2E_PORT ?? 3100);
const PG_PORT = Number(process.env.E2E_PG_PORT ?? 54340);
const DATA_DIR = process.env.E2E_DATA_DIR ?? ".data/e2e";

export const E2E = { baseURL: `http://localhost:${PORT}`, dataDir: DATA_DIR, pgPort: PG_PORT };

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: E2E.baseURL,
    trace: "on-first-retry",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: SYSTEM_CHROMIUM
          ? {
              executablePath: SYSTEM_CHROMIUM,
              args: CHROMIUM_ARGS,
            }
          : {},
      },
    },
  ],
  webServer: {
    command: "node --import tsx scripts/start.ts",
    url: `${E2E.baseURL}/login`,
    timeout: 240_000,
    reuseExistingServer: !process.env.CI,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    env: {
      PORT: String(PORT),
      CELLPLANE_PG_PORT: String(PG_PORT),
      CELLPLANE_DATA_DIR: DATA_DIR,
      CELLPLANE_DEMO: "1",
      NEXTAUTH_URL: E2E.baseURL,
      NEXT_TELEMETRY_DISABLED: "1",
      // A 24 h bake takes 12 s; the simulator samples, polls and converges cells within seconds (its
      // defaults, 5 s and 2–8 s, are a real fleet's pace: each wave would wait ~10 s for them).
      CELLPLANE_TIME_SCALE: "7200",
      CELLPLANE_SIMULATOR_ARGS: "--interval 2 --poll 2 --converge 1-3",
    },
  },
});
