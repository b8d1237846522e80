import { test } from "./fixtures";
const URLS = (process.env.URLS ?? "").split(",");
test("widest", async ({ page, loginAs }) => {
  await page.setViewportSize({ width: Number(process.env.W ?? 390), height: 844 });
  await loginAs("admin");
  for (const url of URLS) {
    await page.goto(url);
    await page.waitForLoadState("networkidle");
    const wide = await page.evaluate(() => {
      const vw = document.documentElement.clientWidth;
      const out: string[] = [];
      for (const el of document.querySelectorAll<HTMLElement>("body *")) {
        const r = el.getBoundingClientRect();
        if (r.right > vw + 1 && r.width > 0) {
          if ([...el.children].some((c) => c.getBoundingClientRect().right > vw + 1)) continue; // innermost only
          out.push(`${el.tagName}.${el.className.toString().slice(0, 80)} right=${Math.round(r.right)} w=${Math.round(r.width)}`);
        }
      }
      return out.slice(0, 12);
    });
    console.log(url, JSON.stringify(wide, null, 1));
    await page.screenshot({ path: `/tmp/shots/${url.replace(/\W+/g, "_")}-${process.env.W ?? 390}.png`, fullPage: true });
  }
});
