import fs from "node:fs";
import { chromium } from "@playwright/test";
const base = "http://localhost:3172";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"] });
const ctx = await browser.newContext({ baseURL: base, viewport: { width: 1400, height: 1000 } });
const { csrfToken } = await (await ctx.request.get("/api/auth/csrf")).json();
await ctx.request.post("/api/auth/callback/credentials", { form: { csrfToken, email: `release@cellplane.local`, password: "cellplane", json: "true" } });
const page = await ctx.newPage();
page.on("console", (m) => console.log("console:", m.text()));
await page.goto(process.env.URL ?? "/gateway/import"); if (process.env.URL) { await page.waitForLoadState("networkidle"); await page.screenshot({ path: "/tmp/page.png", fullPage: true }); await browser.close(); process.exit(0); }
await page.getByLabel("Gateway config YAML").fill(fs.readFileSync("examples/api-gateway-config.yaml", "utf8").replace("introduced: 2025-01-15", "introduced: 2025-01-16"));
await page.getByRole("button", { name: "Import" }).click();
await page.waitForTimeout(3000);
await page.screenshot({ path: "/tmp/imp.png", fullPage: true });
await browser.close();
