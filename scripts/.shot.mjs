import { chromium } from "@playwright/test";
const [url, out, who, height] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox","--disable-gpu","--disable-dev-shm-usage","--disable-background-networking"] });
const ctx = await browser.newContext({ viewport: { width: 1440, height: Number(height || 900) } });
const page = await ctx.newPage();
const base = new URL(url).origin;
const { csrfToken } = await (await page.request.get(base + "/api/auth/csrf")).json();
await page.request.post(base + "/api/auth/callback/credentials", { form: { csrfToken, email: who || "sre@cellplane.local", password: "cellplane", json: "true" } });
await page.goto(url);
await page.waitForFunction(() => !document.querySelector('div[hidden][id^="S:"]'));
await page.waitForTimeout(1200);
const hover = process.env.HOVER;
if (hover) { await page.hover(hover); await page.waitForTimeout(300); }
await page.screenshot({ path: out, fullPage: true });
await browser.close();
