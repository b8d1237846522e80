// `npm test`: every tier, in order — typecheck, unit + integration (vitest, real PostgreSQL),
// production build, end-to-end journeys (Playwright in Chromium against `npm start`'s start-up).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const bin = (name) => path.join(root, "node_modules", ".bin", name);

const steps = [
  ["typecheck", bin("tsc"), ["--noEmit"]],
  ["unit + integration", bin("vitest"), ["run"]],
  ["build", process.execPath, ["--import", "tsx", path.join(root, "scripts/build.ts")]],
  ["e2e", bin("playwright"), ["test", ...process.argv.slice(2)]],
];

const started = Date.now();
for (const [name, cmd, args] of steps) {
  if (name === "e2e") fs.rmSync(path.join(root, ".data", "e2e"), { recursive: true, force: true });
  console.log(`\n=== ${name} ===`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`\n✗ ${name} failed (exit ${r.status ?? r.signal}) after ${Math.round((Date.now() - t0) / 1000)} s`);
    process.exit(r.status || 1);
  }
  console.log(`✓ ${name} (${Math.round((Date.now() - t0) / 1000)} s)`);
}
console.log(`\nAll test tiers passed in ${Math.round((Date.now() - started) / 1000)} s.`);
