// `npm run bench:flags`: how fast Cellplane evaluates flags, measured two ways.
//
// 1. Evaluation: the same flag (allowlist + 25% sticky rollout) for the same 100,000 customer ids,
//    with Cellplane's `evaluate` and with unleash-client's `isEnabled` (bootstrapped offline with the
//    equivalent userWithId + flexibleRollout strategies), in one run. Prints ns/op for both and the
//    ratio (target: Cellplane at least 2× faster) and checks both turn on exactly the same ids.
// 2. OFREP over HTTP: boots its own Cellplane (scripts/start.ts: embedded PostgreSQL in its own data
//    folder and ports, demo seed), creates a `flags:read` token with the CLI, then load-tests on
//    loopback, for a fixed duration each and in interleaved rounds, a trivial route
//    (GET /ofrep/v1/ping), POST /ofrep/v1/evaluate/flags/newVoiceCodec and the bulk endpoint, and
//    prints the median throughput ratio (target ≥ 0.7) with its spread over the rounds. The server
//    runs with background jobs off (CELLPLANE_TICKER=0), so the rounds measure requests only.
//    It is stopped at the end. Skip with --no-http.
//
// Options: --ids N (100000) --rounds N (7) --duration S per load run (5) --http-rounds N (7) --connections N (16)
//          --port P (3190) --pg-port P (54390) --data-dir D (.data/bench) --no-http
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { InMemStorageProvider, Unleash } from "unleash-client";
import { evaluate, type EvaluationContext } from "@/lib/flags/evaluate";
import type { FlagConfig } from "@/lib/flags/model";
import { ROOT } from "./runtime";

const { values: opt } = parseArgs({
  options: {
    ids: { type: "string", default: "100000" },
    rounds: { type: "string", default: "7" },
    duration: { type: "string", default: "5" },
    "http-rounds": { type: "string", default: "7" },
    connections: { type: "string", default: "16" },
    port: { type: "string", default: "3190" },
    "pg-port": { type: "string", default: "54390" },
    "data-dir": { type: "string", default: ".data/bench" },
    "no-http": { type: "boolean", default: false },
  },
});
const N = Number(opt.ids),
  ROUNDS = Number(opt.rounds),
  DURATION = Number(opt.duration),
  CONNECTIONS = Number(opt.connections),
  HTTP_ROUNDS = Number(opt["http-rounds"]);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number, d = 1) => n.toLocaleString("en", { maximumFractionDigits: d, minimumFractionDigits: d });

// ---- 1. evaluation: Cellplane vs unleash-client ----

async function benchEvaluation(): Promise<boolean> {
  const ids = Array.from({ length: N }, (_, i) => `customer-${i}`);
  const allowlist = ids.filter((_, i) => i % 2_000 === 7); // 50 beta customers
  const flag: FlagConfig = {
    key: "newVoiceCodec",
    enabled: true,
    rolloutPercentage: 25,
    percentageSetAt: new Date(0),
    allowlist,
    salt: "newVoiceCodec",
    targeting: { tiers: [], cells: [], regions: [] },
    schedule: [],
    version: 1,
  };
  const unleash = new Unleash({
    appName: "cellplane-bench",
    url: "http://127.0.0.1:9/never-contacted",
    refreshInterval: 0, // offline: no polling
    disableMetrics: true,
    skipInstanceCountWarning: true,
    storageProvider: new InMemStorageProvider(),
    bootstrap: {
      data: [
        {
          name: "newVoiceCodec",
          enabled: true,
          strategies: [
            { name: "userWithId", parameters: { userIds: allowlist.join(",") } },
            { name: "flexibleRollout", parameters: { rollout: "25", stickiness: "userId", groupId: "newVoiceCodec" } },
          ],
        },
      ] as never,
    },
  });
  await new Promise<void>((resolve) => unleash.once("synchronized", () => resolve()));

  const now = new Date();
  const cellplaneCtx: EvaluationContext[] = ids.map((id) => ({ targetingKey: id }));
  const unleashCtx = ids.map((id) => ({ userId: id }));

  // Correctness first: exactly the same customers in.
  const inC = new Set<string>(),
    inU = new Set<string>();
  ids.forEach((id, i) => {
    if (evaluate(flag, cellplaneCtx[i]!, now).value) inC.add(id);
    if (unleash.isEnabled("newVoiceCodec", unleashCtx[i]!)) inU.add(id);
  });
  const same = inC.size === inU.size && [...inC].every((id) => inU.has(id));

  const runCellplane = () => {
    let on = 0;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) if (evaluate(flag, cellplaneCtx[i]!, now).value) on++;
    return { ns: Number(process.hrtime.bigint() - t0) / N, on };
  };
  const runUnleash = () => {
    let on = 0;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) if (unleash.isEnabled("newVoiceCodec", unleashCtx[i]!)) on++;
    return { ns: Number(process.hrtime.bigint() - t0) / N, on };
  };
  runCellplane();
  runUnleash(); // warm up both
  const c: number[] = [],
    u: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate the order so neither always runs on a warmer (or more throttled) CPU.
    if (r % 2) {
      u.push(runUnleash().ns);
      c.push(runCellplane().ns);
    } else {
      c.push(runCellplane().ns);
      u.push(runUnleash().ns);
    }
  }
  unleash.destroy();
  const cn = median(c),
    un = median(u),
    ratio = un / cn;

  console.log(
    `\n== Evaluation: ${N.toLocaleString("en")} customer ids, allowlist of ${allowlist.length} + 25% rollout, median of ${ROUNDS} rounds ==`,
  );
  console.log(`  Cellplane evaluate        ${fmt(cn).padStart(8)} ns/op`);
  console.log(`  unleash-client isEnabled  ${fmt(un).padStart(8)} ns/op`);
  console.log(`  ratio (unleash / Cellplane) ${fmt(ratio, 2)}×  (target ≥ 2×: ${ratio >= 2 ? "met" : "NOT met"})`);
  console.log(
    `  same customers in: ${same ? "yes" : "NO"} (${inC.size.toLocaleString("en")} on with Cellplane, ${inU.size.toLocaleString("en")} with unleash-client, ${fmt((inC.size / N) * 100)}%)`,
  );
  return same;
}

// ---- 2. OFREP over HTTP ----

async function waitFor(url: string, server: ChildProcess, ms: number) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (server.exitCode !== null) throw new Error(`the server exited (${server.exitCode}) during start-up`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer within ${ms / 1000} s`);
}

async function load(title: string, o: autocannon.Options) {
  const r = await autocannon({ connections: CONNECTIONS, duration: DURATION, ...o });
  const bad = r.non2xx + r.errors + r.timeouts;
  console.log(
    `  ${title.padEnd(44)} ${fmt(r.requests.average, 0).padStart(7)} req/s   p50 ${r.latency.p50} ms   p99 ${r.latency.p99} ms${bad ? `   ${bad} failed!` : ""}`,
  );
  return { rps: r.requests.average, bad };
}

async function benchOfrep(): Promise<boolean> {
  const port = Number(opt.port);
  const base = `http://127.0.0.1:${port}`;
  const childEnv = {
    ...process.env,
    PORT: String(port),
    CELLPLANE_PG_PORT: opt["pg-port"],
    CELLPLANE_DATA_DIR: opt["data-dir"],
    CELLPLANE_DEMO: "1",
    CELLPLANE_SIMULATOR: "0",
    // Background jobs off: the rounds measure requests, not the ticker running beside them.
    CELLPLANE_TICKER: "0",
    NEXTAUTH_URL: `http://localhost:${port}`,
    NEXT_TELEMETRY_DISABLED: "1",
  };
  console.log(`\n== OFREP over HTTP (loopback, ${CONNECTIONS} connections, ${HTTP_ROUNDS} interleaved rounds of ${DURATION} s each) ==`);
  console.log(`  starting Cellplane on ${base} (data in ${opt["data-dir"]}; builds first if the sources changed)…`);
  const server = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "start.ts")], {
    cwd: ROOT,
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  server.stdout!.on("data", (d) => (log += d));
  server.stderr!.on("data", (d) => (log += d));
  const stop = async () => {
    if (server.exitCode !== null) return;
    const exited = new Promise((r) => server.once("exit", r));
    server.kill("SIGTERM");
    const timer = setTimeout(() => server.kill("SIGKILL"), 20_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitFor(`${base}/ofrep/v1/ping`, server, 300_000);
    const t = spawnSync(
      process.execPath,
      [path.join(ROOT, "bin", "cellplane.mjs"), "token", "create", "--name", `bench-${Date.now()}`, "--scopes", "flags:read"],
      { cwd: ROOT, env: childEnv, encoding: "utf8" },
    );
    if (t.status !== 0) throw new Error(`token create failed: ${t.stderr}`);
    const token = t.stdout.trim();
    const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    let i = 0;
    const single: autocannon.Options = {
      url: `${base}/ofrep/v1/evaluate/flags/newVoiceCodec`,
      method: "POST",
      headers: auth,
      requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ context: { targetingKey: `customer-${i++ % 100_000}` } }) }) }],
    };
    // Warm up both routes (JIT, connection pools, the flag cache).
    await autocannon({ url: `${base}/ofrep/v1/ping`, connections: 4, duration: 2 });
    await autocannon({ ...single, connections: 4, duration: 2 });

    const bulkOpts: autocannon.Options = {
      url: `${base}/ofrep/v1/evaluate/flags`,
      method: "POST",
      headers: auth,
      body: JSON.stringify({ context: { targetingKey: "enterprise-customer-123" } }),
    };
    // Interleaved rounds, so a change in the machine's load affects all three alike.
    const rounds: { ping: number; one: number; bulk: number }[] = [];
    let bad = 0;
    for (let r = 1; r <= HTTP_ROUNDS; r++) {
      console.log(`  round ${r} of ${HTTP_ROUNDS}`);
      const ping = await load("GET  /ofrep/v1/ping (trivial baseline)", { url: `${base}/ofrep/v1/ping` });
      const one = await load("POST /ofrep/v1/evaluate/flags/newVoiceCodec", single);
      const bulk = await load("POST /ofrep/v1/evaluate/flags (bulk)", bulkOpts);
      rounds.push({ ping: ping.rps, one: one.rps, bulk: bulk.rps });
      bad += ping.bad + one.bad + bulk.bad;
    }
    const ratios = rounds.map((r) => r.one / r.ping);
    const bulkRatios = rounds.map((r) => r.bulk / r.ping);
    const ratio = median(ratios);
    const bulkRatio = median(bulkRatios);
    const spread = (xs: number[]) =>
      `min ${fmt(Math.min(...xs), 2)}, max ${fmt(Math.max(...xs), 2)}; rounds ${xs.map((x) => fmt(x, 2)).join(" ")}`;
    console.log(
      `  median req/s: trivial ${fmt(median(rounds.map((r) => r.ping)), 0)}, single ${fmt(median(rounds.map((r) => r.one)), 0)}, bulk ${fmt(median(rounds.map((r) => r.bulk)), 0)}`,
    );
    console.log(
      `  ratio (single evaluation / trivial route), median of ${HTTP_ROUNDS} rounds: ${fmt(ratio, 2)}  (target ≥ 0.7: ${ratio >= 0.7 ? "met" : "NOT met"})\n    spread: ${spread(ratios)}`,
    );
    console.log(`  ratio (bulk / trivial route), median: ${fmt(bulkRatio, 2)}\n    spread: ${spread(bulkRatios)}`);
    return bad === 0;
  } catch (e) {
    console.error(`  ${(e as Error).message}\n--- server output ---\n${log.slice(-4000)}`);
    return false;
  } finally {
    await stop();
  }
}

const okEval = await benchEvaluation();
const okHttp = opt["no-http"] ? true : await benchOfrep();
if (!okEval) console.error("\nCellplane and unleash-client disagree on who is in.");
if (!okHttp) console.error("\nThe HTTP load test had failures.");
process.exit(okEval && okHttp ? 0 : 1);
