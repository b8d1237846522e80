// `npm run simulate`: the fleet simulator. It plays every cell × service through Cellplane's HTTP
// API (a client like any cell's agents; it never writes the database): telemetry with diurnal load
// and noise, observed versions converging to desired ones, API capabilities, injected faults.
// `--cells N` first generates a larger fleet and imports it with the CLI.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { exportFleetYaml } from "@/lib/fleet/fleet-yaml";
import { capabilityMapSchema, DEFAULT_CAPABILITIES, type CapabilityMap } from "@/lib/simulator/capabilities";
import { DEFAULT_CONVERGE, type ConvergeRange } from "@/lib/simulator/convergence";
import { FaultParseError, parseFaultArg, parseFaultsFile, type Fault } from "@/lib/simulator/faults";
import { generateFleet, tierCounts } from "@/lib/simulator/fleet-gen";
import { Exposition } from "@/lib/simulator/exposition";
import { serveExposition } from "@/lib/simulator/server/exposition-server";
import { FleetSimulator } from "@/lib/simulator/server/runner";
import { DEFAULT_MAX_POLLS_PER_S, DEFAULT_POLL_MS } from "@/lib/simulator/schedule";
import { loadEnvOrExit, ROOT } from "./runtime";

const USAGE = `Usage: npm run simulate -- [options]

  --url URL            the app (default http://localhost:$PORT, PORT defaulting to 3000); loopback only
  --token TOKEN        API token with scopes telemetry:write, fleet:read, cells:agent (and flags:read
                       for flag faults; default: CELLPLANE_SIMULATOR_TOKEN). Create one with
                       npx cellplane token create --name simulator --scopes telemetry:write,fleet:read,cells:agent,flags:read
  --interval S         seconds between samples of each cell × service (default 5)
  --seed TEXT          seed of the noise, so runs are reproducible (default cellplane)
  --converge MIN-MAX   seconds between a new desired version and running it (default 2-8)
  --fault SPEC         inject a fault; repeatable. JSON, or kind:key=value,...:
                         bad-version:service=sms,version=v2.5.1,errorRate=0.05,cells=smb-*
                         latency:region=eu-west-1,p99Ms=1800
                         silent:cell=smb-us-3
                         flag:flag=newVoiceCodec,errorRate=0.05   (cells fail by the share of customers it is on for)
  --faults FILE        a JSON file of faults, re-read every tick ({"faults": [...]})
  --capabilities FILE  JSON map service → API version → version range
                       (default {"voice": {"v1": "*", "v2": ">=3.2.0"}, ...})
  --cells N            generate a fleet of N cells (≈1 canary per 50, 75% smb, the rest enterprise),
                       write it as a fleet YAML and import it with the CLI before simulating
  --fleet-file FILE    where --cells writes the fleet (default <CELLPLANE_DATA_DIR>/simulated-fleet-N.yaml)
  --duration S         stop after S seconds (default: until Ctrl-C / SIGTERM)
  --poll S             seconds between desired-version polls of one cell (default 5; stretched so
                       the fleet makes at most --max-polls requests a second, default ${DEFAULT_MAX_POLLS_PER_S})
  --refresh S          seconds between fleet refreshes (default 30)
  --batch N            samples per telemetry request (default 1000, at most 1000)
  --expose [HOST]:PORT serve the readings on http://HOST:PORT/metrics for Prometheus to scrape
                       (cell, service, version labels; counters and histograms) and push none;
                       desired versions are still followed: a token with fleet:read,cells:agent is enough`;

function fail(message: string): never {
  console.error(`simulate: ${message}\n\n${USAGE}`);
  process.exit(64);
}

function positive(name: string, v: string | undefined, dflt: number, max = Infinity): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > max) fail(`--${name} must be a number between 0 and ${max}, got "${v}"`);
  return n;
}

function parseConverge(v: string | undefined): ConvergeRange {
  if (v === undefined) return DEFAULT_CONVERGE;
  const m = /^(\d+(?:\.\d+)?)(?:\s*(?:-|\.\.)\s*(\d+(?:\.\d+)?))?$/.exec(v.trim());
  if (!m) fail(`--converge must look like 2-8 (seconds) or 5, got "${v}"`);
  const minS = Number(m[1]);
  const maxS = m[2] === undefined ? minS : Number(m[2]);
  if (maxS < minS) fail(`--converge: the maximum is below the minimum in "${v}"`);
  return { minS, maxS };
}

function isLoopback(url: URL): boolean {
  const h = url.hostname.replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** Write a generated fleet and import it through the CLI (which finds the database like npm start). */
function importGeneratedFleet(n: number, file: string) {
  const spec = generateFleet(n);
  const counts = tierCounts(n);
  const regions = new Set(spec.cells.map((c) => c.region));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, exportFleetYaml(spec));
  console.log(
    `generated ${n} cells (${counts.canary} canary, ${counts.smb} smb, ${counts.enterprise} enterprise) across ${regions.size} regions → ${file}`,
  );
  const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "cellplane.mjs"), "import", "fleet", file], {
    cwd: ROOT,
    encoding: "utf8",
  });
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim().split("\n");
  if (r.status !== 0) {
    console.error(out.join("\n"));
    console.error(`simulate: importing ${file} failed (exit ${r.status})`);
    process.exit(1);
  }
  const shown = out.length > 8 ? [...out.slice(0, 5), `  … ${out.length - 6} more lines`, out[out.length - 1]!] : out;
  console.log(shown.map((l) => `  cellplane import: ${l}`).join("\n"));
}

async function main() {
  const { values } = parseArgs({
    options: {
      url: { type: "string" },
      token: { type: "string" },
      interval: { type: "string" },
      seed: { type: "string" },
      converge: { type: "string" },
      fault: { type: "string", multiple: true },
      faults: { type: "string" },
      capabilities: { type: "string" },
      cells: { type: "string" },
      "fleet-file": { type: "string" },
      duration: { type: "string" },
      poll: { type: "string" },
      "max-polls": { type: "string" },
      refresh: { type: "string" },
      batch: { type: "string" },
      expose: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const cfg = loadEnvOrExit();

  const url = new URL(values.url ?? `http://localhost:${cfg.PORT}`);
  if (!isLoopback(url)) fail(`--url must be a loopback address (localhost, 127.0.0.1, ::1), got ${url.host}`);
  const token = values.token ?? cfg.CELLPLANE_SIMULATOR_TOKEN;
  if (!token) fail("no token: pass --token or set CELLPLANE_SIMULATOR_TOKEN");

  let faults: Fault[];
  try {
    faults = (values.fault ?? []).map(parseFaultArg);
  } catch (e) {
    if (e instanceof FaultParseError) fail(e.message);
    throw e;
  }
  const faultsFile = values.faults ? path.resolve(values.faults) : undefined;
  if (faultsFile && fs.existsSync(faultsFile)) {
    const r = parseFaultsFile(fs.readFileSync(faultsFile, "utf8"));
    if (!r.ok) fail(`--faults ${values.faults}: ${r.message}`);
  }

  let capabilities: CapabilityMap = DEFAULT_CAPABILITIES;
  if (values.capabilities) {
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(values.capabilities, "utf8"));
    } catch (e) {
      fail(`--capabilities ${values.capabilities}: ${(e as Error).message}`);
    }
    const parsed = capabilityMapSchema.safeParse(raw);
    if (!parsed.success)
      fail(`--capabilities ${values.capabilities}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    capabilities = parsed.data;
  }

  if (values.cells !== undefined) {
    const n = Number(values.cells);
    if (!Number.isInteger(n) || n < 1 || n > 100_000) fail(`--cells must be a whole number from 1 to 100000, got "${values.cells}"`);
    importGeneratedFleet(n, path.resolve(values["fleet-file"] ?? path.join(ROOT, cfg.CELLPLANE_DATA_DIR, `simulated-fleet-${n}.yaml`)));
  }

  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const duration = values.duration === undefined ? undefined : positive("duration", values.duration, 0);
  if (duration !== undefined) setTimeout(() => stop.abort(), duration * 1000).unref();

  const exposition = values.expose === undefined ? undefined : new Exposition();
  if (exposition) {
    const m = /^(?:(.*):)?(\d+)$/.exec(values.expose!.trim());
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) fail(`--expose must be [HOST]:PORT, e.g. :9464, got "${values.expose}"`);
    const host = m[1] || "127.0.0.1";
    const server = await serveExposition(exposition, Number(m[2]), host);
    console.log(
      `exposing readings on http://${host.includes(":") ? `[${host}]` : host}:${server.port}/metrics (nothing pushed to ${url.origin})`,
    );
  }

  const started = Date.now();
  const sim = new FleetSimulator({
    url: url.origin,
    token,
    seed: values.seed ?? "cellplane",
    intervalMs: positive("interval", values.interval, 5, 3600) * 1000,
    refreshMs: positive("refresh", values.refresh, 30, 3600) * 1000,
    pollMs: positive("poll", values.poll, DEFAULT_POLL_MS / 1000, 3600) * 1000,
    maxPollsPerS: positive("max-polls", values["max-polls"], DEFAULT_MAX_POLLS_PER_S, 1000),
    converge: parseConverge(values.converge),
    capabilities,
    faults,
    faultsFile,
    batchSize: Math.floor(positive("batch", values.batch, 1000, 1000)),
    exposition,
    log: (line) => console.log(line),
  });
  await sim.run(stop.signal);
  console.log(`stopped after ${Math.round((Date.now() - started) / 1000)} s`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`simulate: ${(e as Error).stack ?? e}`);
    process.exit(1);
  },
);
