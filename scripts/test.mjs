// `npm test`: every tier — lint (format, rules, import boundaries), typecheck, unit + integration
// (vitest, real PostgreSQL), production build, fuzz (generated bad input over HTTP against the
// production app server), end-to-end journeys (Playwright in Chromium against
// `npm start`'s start-up). Every tier runs even when an earlier one fails, so one failure does not
// hide the others; the summary at the end lists each tier's outcome and the exit code is non-zero
// when any failed.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const bin = (name) => path.join(root, "node_modules", ".bin", name);

const steps = [
  ["lint", bin("biome"), ["check", "."]],
  ["typecheck", bin("tsc"), ["--noEmit"]],
  ["unit + integration", bin("vitest"), ["run", "--project", "unit", "--project", "integration"]],
  ["build", process.execPath, ["--import", "tsx", path.join(root, "scripts/build.ts")]],
  ["fuzz", bin("vitest"), ["run", "--project", "fuzz"]],
  ["e2e", bin("playwright"), ["test", ...process.argv.slice(2)]],
];

const started = Date.now();
const results = [];
for (const [name, cmd, args] of steps) {
  if (name === "e2e") fs.rmSync(path.join(root, ".data", "e2e"), { recursive: true, force: true });
  console.log(`\n=== ${name} ===`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: "inherit" });
  const seconds = Math.round((Date.now() - t0) / 1000);
  const ok = r.status === 0;
  results.push({ name, ok, seconds, exit: r.status ?? r.signal });
  console.log(ok ? `✓ ${name} (${seconds} s)` : `\n✗ ${name} failed (exit ${r.status ?? r.signal}) after ${seconds} s`);
}

const total = Math.round((Date.now() - started) / 1000);
console.log("\n=== summary ===");
for (const r of results)
  console.log(`${r.ok ? "✓" : "✗"} ${r.name.padEnd(20)} ${String(r.seconds).padStart(5)} s${r.ok ? "" : `  (exit ${r.exit})`}`);
const failed = results.filter((r) => !r.ok);
if (failed.length) {
  console.error(`\n${failed.length} of ${results.length} tiers failed (${failed.map((r) => r.name).join(", ")}) in ${total} s.`);
  process.exit(1);
}
console.log(`\nAll test tiers passed in ${total} s.`);
