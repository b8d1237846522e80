// `npm run bench:guard`: how long from a version going bad mid-bake to its cells being back on the
// old version? Time to rollback as a figure, split into detection and convergence.
//
// Runs the real thing on its own ports and data folder: a scratch PostgreSQL with the demo fleet,
// the production app server with its ticker at a compressed time scale (default 600: the canary's
// 24 h bake is 144 s), and the fleet simulator as its own process (`scripts/simulate.ts`). Each
// run starts a release of a new sms version through a one-wave pipeline (the canary, 24 h bake,
// `error_rate < 0.1%`, `p99_latency < 500ms`, `no_pagerduty_alerts: 30m`), waits until the canary
// has baked for a while (a random 10–30 s), then writes the simulator's bad-version fault for that
// version into its faults file, and waits for the rollback. From the database:
//   first bad sample   the first sample of the canary on the new version with the fault's error rate
//   detection          from it to the wave's breach (the guard's verdict, `breach.at`)
//   convergence        from the breach to the wave ROLLED_BACK (every cell reported its old version)
// Target: detection within two ticker passes (the rollouts job runs every second) after the window
// holds enough evidence — which it already does mid-bake, from the healthy samples before the fault.
// Prints every run and the medians.
import fs from "node:fs";
import path from "node:path";
import { spawn } from "node:child_process";
import readline from "node:readline";
import { audited } from "@/lib/audit/server/record";
import { createToken } from "@/lib/auth/server/users";
import { createPrisma } from "@/lib/db/client";
import { seedDemo } from "@/lib/fleet/server/seed";
import type { ReleaseDoc } from "@/lib/rollouts/engine";
import { parsePipelineYaml } from "@/lib/rollouts/pipeline-yaml";
import { savePipeline } from "@/lib/rollouts/server/pipeline-store";
import { startRelease } from "@/lib/rollouts/server/start";
import { SIMULATOR_SCOPES } from "@/lib/simulator/demo";
import { Cleanup, log, productionServer, scratchDatabase, serverBenchArgs } from "./bench-support";
import { ROOT } from "./runtime";

const args = serverBenchArgs("bench-guard", 3168, 54368, { runs: "5", "time-scale": "600" });
const RUNS = Number(args.runs);
const SCALE = Number(args["time-scale"]);
const TICK_MS = 1000; // the rollouts.advance job's period

const PIPELINE = `pipeline: { id: guard-drill, name: Guard drill }
waves:
  - name: canary
    cells: [canary-us-internal]
    bake: 24h
    checks: ["error_rate < 0.1%", "p99_latency < 500ms", { no_pagerduty_alerts: 30m }]
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

interface Run {
  version: string;
  firstBad: number;
  detected: number;
  rolledBack: number;
}

async function main(cleanup: Cleanup) {
  const dataDir = path.resolve(ROOT, args["data-dir"]);
  const pg = await scratchDatabase(args["data-dir"], Number(args["pg-port"]), cleanup);
  const prisma = createPrisma(pg.url, 3);
  cleanup.add("prisma", () => prisma.$disconnect());
  await seedDemo(prisma, "cellplane");
  const fleet = await prisma.cell.findMany({ select: { id: true, tier: true } });
  await audited(prisma, "bench", (tx) => savePipeline(tx, parsePipelineYaml(PIPELINE, fleet), "bench-guard", "bench"));
  const { token } = await audited(prisma, "bench", (tx) => createToken(tx, { name: "bench-simulator", scopes: SIMULATOR_SCOPES }, "bench"));

  const base = await productionServer(pg.url, Number(args.port), cleanup, { CELLPLANE_TICKER: "1", CELLPLANE_TIME_SCALE: String(SCALE) });
  const faultsFile = path.join(dataDir, "faults.json");
  fs.writeFileSync(faultsFile, '{"faults": []}\n');
  const sim = spawn(process.execPath, ["--import", "tsx", "scripts/simulate.ts", "--url", base, "--token", token, "--faults", faultsFile], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const s of [sim.stdout!, sim.stderr!])
    readline.createInterface({ input: s }).on("line", (l) => /error|refused/i.test(l) && log(`[simulator] ${l}`));
  cleanup.add("simulator", async () => {
    if (sim.exitCode !== null) return;
    const exited = new Promise((r) => sim.once("exit", r));
    sim.kill("SIGTERM");
    await exited;
  });
  log(`simulator running; time scale ${SCALE} (the canary's 24 h bake is ${sec((24 * 3600_000) / SCALE)})`);
  await sleep(12_000); // the simulator learns the fleet and sends its first samples

  const runs: Run[] = [];
  for (let k = 0; k < RUNS; k++) runs.push(await oneRun(prisma, faultsFile, `v2.6.${k}`));

  const detection = runs.map((r) => r.detected - r.firstBad);
  const convergence = runs.map((r) => r.rolledBack - r.detected);
  console.log("");
  console.log(`| run | version | detection | convergence | time to rollback |`);
  console.log(`|---|---|---|---|---|`);
  runs.forEach((r, i) =>
    console.log(`| ${i + 1} | ${r.version} | ${sec(detection[i]!)} | ${sec(convergence[i]!)} | ${sec(r.rolledBack - r.firstBad)} |`),
  );
  const within = detection.filter((d) => d <= 2 * TICK_MS).length;
  console.log(
    `| **median** | | **${sec(median(detection))}** | **${sec(median(convergence))}** | **${sec(median(runs.map((r) => r.rolledBack - r.firstBad)))}** |`,
  );
  console.log("");
  console.log(
    `detection within two ticker passes (≤ ${sec(2 * TICK_MS)}) of the first bad sample: ${within} of ${runs.length} runs ${within === runs.length ? "✓" : "✗"}`,
  );
}

async function waitFor<T>(what: string, ms: number, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function oneRun(prisma: ReturnType<typeof createPrisma>, faultsFile: string, version: string): Promise<Run> {
  const { id } = await audited(prisma, "bench", (tx) =>
    startRelease(tx, { pipeline: "guard-drill", versions: { sms: version } }, "bench", new Date()),
  );
  const docOf = async () => (await prisma.release.findUnique({ where: { id } }))!;
  const baking = await waitFor("the canary to bake", 60_000, async () => {
    const r = await docOf();
    const w = (r.doc as unknown as ReleaseDoc).waves[0]!;
    if (r.status !== "running") throw new Error(`release ${id} ended before the fault: ${(r.doc as unknown as ReleaseDoc).endReason}`);
    return w.state === "BAKING" && w.bakeStartedAt ? Date.parse(w.bakeStartedAt) : null;
  });
  await sleep(Math.max(0, baking + 10_000 + Math.random() * 20_000 - Date.now()));
  const injectedAt = Date.now();
  fs.writeFileSync(faultsFile, JSON.stringify({ faults: [{ kind: "bad-version", service: "sms", version, errorRate: 0.05, cells: "*" }] }));
  const done = await waitFor("the rollback", 120_000, async () => {
    const r = await docOf();
    return r.status === "rolled_back" || r.status === "succeeded" ? r : null;
  });
  fs.writeFileSync(faultsFile, '{"faults": []}\n');
  const doc = done.doc as unknown as ReleaseDoc;
  const w = doc.waves[0]!;
  if (!w.breach) throw new Error(`release ${id} ended without a guard breach: ${doc.endReason}`);
  const bad = await prisma.healthSample.findFirst({
    where: { cellId: "canary-us-internal", serviceId: "sms", version, errorRate: { gte: 0.01 }, ts: { gte: new Date(injectedAt - 5000) } },
    orderBy: { ts: "asc" },
    select: { ts: true },
  });
  if (!bad) throw new Error(`no bad sample of ${version} found`);
  const run = { version, firstBad: bad.ts.getTime(), detected: Date.parse(w.breach.at), rolledBack: Date.parse(w.finishedAt!) };
  log(
    `${version}: fault written ${sec(injectedAt - baking)} into the bake; first bad sample +${sec(run.firstBad - injectedAt)}; breach "${w.breach.check}" +${sec(run.detected - run.firstBad)}; rolled back +${sec(run.rolledBack - run.detected)}`,
  );
  return run;
}

const cleanup = new Cleanup();
await cleanup.guard(() => main(cleanup));
