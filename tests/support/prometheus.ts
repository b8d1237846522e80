// A real Prometheus (Debian's `prometheus` package; PROMETHEUS_BIN to use another) for the tests
// that read health through PromQL: its own loopback port and data folder, a short scrape interval,
// started and stopped by the test. `.ci/run` installs the package when missing.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export interface ScrapeTarget {
  job: string;
  target: string;
  bearerToken?: string;
}

export interface RunningPrometheus {
  url: string;
  stop: () => Promise<void>;
  /** An instant query's result (throws on an error answer). */
  query: (q: string) => Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
}

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? "/usr/bin/prometheus";
export const ALERTMANAGER_BIN = process.env.ALERTMANAGER_BIN ?? "/usr/bin/prometheus-alertmanager";

function yamlList(targets: ScrapeTarget[], interval: string): string {
  return targets
    .map(
      (t) => `  - job_name: ${t.job}
    scrape_interval: ${interval}
    scrape_timeout: ${interval}
    static_configs:
      - targets: ["${t.target}"]${t.bearerToken ? `\n    authorization:\n      credentials: "${t.bearerToken}"` : ""}`,
    )
    .join("\n");
}

async function waitReady(url: string, child: ChildProcess, log: () => string, what: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}:\n${log()}`);
    try {
      const r = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) });
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${what} not ready within 60 s:\n${log()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function stopper(child: ChildProcess) {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      const kill = setTimeout(() => child.kill("SIGKILL"), 15_000);
      child.once("exit", () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill("SIGTERM");
    });
}

/** Start Prometheus on 127.0.0.1:port scraping `targets` every `interval` (data in `dataDir`, wiped first). */
export async function startPrometheus(opts: { port: number; dataDir: string; targets: ScrapeTarget[]; interval?: string }) {
  if (!fs.existsSync(PROMETHEUS_BIN))
    throw new Error(`${PROMETHEUS_BIN} not found: apt-get install prometheus (or set PROMETHEUS_BIN); .ci/run installs it`);
  fs.rmSync(opts.dataDir, { recursive: true, force: true });
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const interval = opts.interval ?? "1s";
  const config = path.join(opts.dataDir, "prometheus.yml");
  fs.writeFileSync(
    config,
    `global:\n  scrape_interval: ${interval}\n  evaluation_interval: ${interval}\nscrape_configs:\n${yamlList(opts.targets, interval)}\n`,
  );
  const { url, stop } = await startDaemon("prometheus", PROMETHEUS_BIN, opts.port, [
    `--config.file=${config}`,
    `--storage.tsdb.path=${path.join(opts.dataDir, "tsdb")}`,
    `--web.listen-address=127.0.0.1:${opts.port}`,
    "--storage.tsdb.retention.time=1d",
    "--log.level=warn",
  ]);
  return {
    url,
    stop,
    query: async (q: string) => {
      const r = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(q)}`);
      const body = (await r.json()) as { status: string; error?: string; data: { result: [] } };
      if (body.status !== "success") throw new Error(`${q}: ${body.error}`);
      return body.data.result;
    },
  } satisfies RunningPrometheus;
}

/** Spawn `bin` listening on 127.0.0.1:port and wait until it answers (stopped again if it never does). */
async function startDaemon(name: string, bin: string, port: number, args: string[]) {
  let out = "";
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (d) => (out = (out + d).slice(-4000)));
  child.stderr!.on("data", (d) => (out = (out + d).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const stop = stopper(child);
  try {
    await waitReady(url, child, () => out, name);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, stop };
}

/** Start Alertmanager on 127.0.0.1:port with one webhook receiver (grouping by alertname, waits of a second). */
export async function startAlertmanager(opts: { port: number; dataDir: string; webhook: string; bearerToken: string }) {
  if (!fs.existsSync(ALERTMANAGER_BIN))
    throw new Error(`${ALERTMANAGER_BIN} not found: apt-get install prometheus-alertmanager (or set ALERTMANAGER_BIN)`);
  fs.rmSync(opts.dataDir, { recursive: true, force: true });
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const config = path.join(opts.dataDir, "alertmanager.yml");
  fs.writeFileSync(
    config,
    `route:
  receiver: cellplane
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: cellplane
    webhook_configs:
      - url: "${opts.webhook}"
        send_resolved: true
        http_config:
          authorization:
            credentials: "${opts.bearerToken}"
`,
  );
  return startDaemon("alertmanager", ALERTMANAGER_BIN, opts.port, [
    `--config.file=${config}`,
    `--storage.path=${opts.dataDir}`,
    `--web.listen-address=127.0.0.1:${opts.port}`,
    "--cluster.listen-address=",
    "--log.level=warn",
  ]);
}
