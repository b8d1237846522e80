// `npm run bench:prometheus`: what reading fleet health through a real Prometheus costs Cellplane,
// next to the PromQL queries' own time.
//
// Plays 1,000 cells × 5 services with the simulator's model on its exposition (cell, service,
// version labels; counters and histograms), starts Prometheus on its own port and data folder
// scraping it every 5 s, waits until every series has rates, then measures (medians after
// warm-up, each figure timed in turn with its floor):
//   floor     the rendered PromQL queries sent straight to /api/v1/query in parallel, answers read
//             and parsed (what any client pays)
//   current   the Prometheus source's current(): the same queries, answers turned into one reading per
//             cell × service — what the leader folds into the heatmap's state every 5 s
//   readings  readings() for a 100-cell wave over its last 10 minutes (release checks, guards), against
//             its own raw queries
// and counts the HTTP requests each read sends (one per signal, never one per cell).
// Target: current ≤ 1.5× the floor. Prometheus and the exposition are stopped at the end.
import { parseArgs } from "node:util";
import { DEMO_VERSIONS } from "@/lib/fleet/server/seed";
import { currentQueries, windowQueries } from "@/lib/health/sources/prometheus";
import { prometheusSource } from "@/lib/health/sources/server/prometheus-source";
import { DEFAULT_PROM_SETTINGS } from "@/lib/health/sources/templates";
import { DEFAULT_CAPABILITIES } from "@/lib/simulator/capabilities";
import { buildSamples, reconcileFleet, type SimFleet } from "@/lib/simulator/engine";
import { Exposition } from "@/lib/simulator/exposition";
import { generateFleet } from "@/lib/simulator/fleet-gen";
import { serveExposition } from "@/lib/simulator/server/exposition-server";
import { startPrometheus } from "../tests/support/prometheus";
import { Cleanup, fmt, log, measureAgainst, type Timing, uniformView, valueOptions } from "./bench-support";

const { values: args } = parseArgs({
  options: valueOptions({
    cells: "1000",
    runs: "15",
    warmup: "3",
    "prom-port": "9365",
    "expose-port": "9366",
    "data-dir": ".data/bench-prometheus",
  }),
});
const CELLS = Number(args.cells),
  RUNS = Number(args.runs),
  WARMUP = Number(args.warmup);
const S = DEFAULT_PROM_SETTINGS;
const cleanup = new Cleanup();
process.on("SIGINT", () => void cleanup.run().then(() => process.exit(130)));

async function main() {
  // The fleet, played by the simulator's model, exposed for scraping.
  const spec = generateFleet(CELLS);
  const services = Object.keys(DEMO_VERSIONS);
  const fleet: SimFleet = new Map();
  reconcileFleet(fleet, uniformView(spec.cells, DEMO_VERSIONS));
  const exposition = new Exposition();
  const tick = () =>
    exposition.record(
      buildSamples(fleet, { now: new Date(), seed: "bench", intervalMs: 5_000, faults: [], capabilities: DEFAULT_CAPABILITIES }).samples,
      5,
    );
  tick();
  const ticker = setInterval(tick, 5_000);
  cleanup.add("exposition ticks", () => clearInterval(ticker));
  const exposed = await serveExposition(exposition, Number(args["expose-port"]));
  cleanup.add("exposition", () => exposed.close());
  log(
    `${CELLS} cells × ${services.length} services exposed on :${exposed.port} (${(exposition.render().length / 1e6).toFixed(1)} MB a scrape)`,
  );

  const prom = await startPrometheus({
    port: Number(args["prom-port"]),
    dataDir: args["data-dir"]!,
    targets: [{ job: "cells", target: `127.0.0.1:${exposed.port}` }],
    interval: "5s",
  });
  cleanup.add("prometheus", () => prom.stop());
  const pairs = CELLS * services.length;
  log(`Prometheus on ${prom.url}; waiting until all ${pairs} pairs have rates…`);
  const deadline = Date.now() + 180_000;
  for (;;) {
    const r = await prom.query(currentQueries(S).rps);
    if (r.length === pairs) break;
    if (Date.now() > deadline) throw new Error(`only ${r.length} of ${pairs} pairs have rates after 3 minutes`);
    await new Promise((r) => setTimeout(r, 1_000));
  }

  let requests = 0;
  const countingFetch: typeof fetch = (input, init) => {
    requests++;
    return fetch(input, init);
  };
  const source = prometheusSource({ url: prom.url, fetch: countingFetch }, async () => S);
  const raw = (queries: string[], at: Date) =>
    Promise.all(
      queries.map(async (q) => {
        const res = await fetch(`${prom.url}/api/v1/query`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ query: q, time: (at.getTime() / 1000).toFixed(3) }).toString(),
        });
        return JSON.parse(await res.text());
      }),
    );

  const results: { name: string; t: Timing; floor: Timing; requests: number; target?: number }[] = [];
  const now = () => new Date();
  requests = 0;
  const cur = await measureAgainst(
    RUNS,
    WARMUP,
    () => raw(Object.values(currentQueries(S)), now()),
    () => source.current(now()),
  );
  results.push({ name: "current(): every cell × service", ...cur, requests: requests / (RUNS + WARMUP), target: 1.5 });
  const check = await source.current(now());
  if (check.length !== pairs) throw new Error(`current() read ${check.length} pairs, expected ${pairs}`);

  const wave = spec.cells.slice(0, 100).map((c) => c.id);
  const window = () => ({ from: new Date(Date.now() - 600_000), to: new Date() });
  requests = 0;
  const rd = await measureAgainst(
    RUNS,
    WARMUP,
    () => {
      const w = window();
      return raw(Object.values(windowQueries(S, wave, w)), w.to);
    },
    () => {
      const w = window();
      return source.readings(wave, services, w, w.to);
    },
  );
  results.push({ name: "readings(): 100 cells, last 10 min", ...rd, requests: requests / (RUNS + WARMUP) });

  console.log(`\n${CELLS} cells × ${services.length} services through Prometheus 2 (medians of ${RUNS} after ${WARMUP} warm-ups)\n`);
  for (const r of results) {
    const ratio = r.t.median / r.floor.median;
    console.log(
      `${r.name.padEnd(38)} ${fmt(r.t)}\n${"  floor: the same raw queries".padEnd(38)} ${fmt(r.floor)}\n${"  ratio".padEnd(38)} ${ratio.toFixed(2)}×${r.target ? ` (target ≤ ${r.target}× ${ratio <= r.target ? "✓" : "✗"})` : ""}; ${r.requests} HTTP queries per read\n`,
    );
  }
}

main()
  .then(
    () => cleanup.run(),
    async (e) => {
      console.error(e);
      await cleanup.run();
      process.exitCode = 1;
    },
  )
  .then(() => process.exit());
