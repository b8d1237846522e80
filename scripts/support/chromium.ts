// The Chromium the e2e journeys and the UI benchmark drive: the system's when there is one, with the
// flags a container without a GPU, a sandbox or a large /dev/shm needs, and no background traffic.
import fs from "node:fs";

/** `CHROMIUM_PATH`, else Debian's /usr/bin/chromium, else none (Playwright's own download). */
export const SYSTEM_CHROMIUM = process.env.CHROMIUM_PATH ?? (fs.existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];
