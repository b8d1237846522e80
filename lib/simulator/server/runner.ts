// The fleet simulator's client loop: it plays every cell through Cellplane's HTTP API only.
//   GET  /api/v1/fleet/health            learn the fleet (at start and every ~30 s)
//   GET  /api/v1/cells/{cell}/desired    per cell, spread over time, with If-None-Match
//   POST /api/v1/telemetry               every tick, every cell × service, in batches
// It never writes the database. A refused connection or a 5xx is logged and retried with backoff.
import fs from "node:fs";
import { z } from "zod";
import type { CapabilityMap } from "../capabilities";
import type { ConvergeRange } from "../convergence";
import {
  advanceFleet,
  applyDesired,
  buildSamples,
  reconcileFleet,
  sampleColumns,
  type FleetCellView,
  type Scheduled,
  type SimFleet,
  type SimSample,
  type Switched,
} from "../engine";
import type { Exposition } from "../exposition";
import { describeFault, parseFaultsFile, type Fault } from "../faults";
import { seededRandom, type Random } from "../random";
import { chunk, nextPollAt, pollPeriodMs } from "../schedule";
import { plural } from "@/lib/format";

export interface RunnerOptions {
  /** Base URL of the app, e.g. http://127.0.0.1:3000. */
  url: string;
  token: string;
  seed: string;
  intervalMs: number;
  refreshMs: number;
  pollMs: number;
  maxPollsPerS: number;
  converge: ConvergeRange;
  capabilities: CapabilityMap;
  /** Faults from the command line: always in force. */
  faults: Fault[];
  /** A JSON file of more faults, re-read every tick. */
  faultsFile?: string;
  batchSize: number;
  /**
   * Expose the readings for Prometheus to scrape instead of pushing them (`--expose`): the fleet is
   * still learnt and desired versions still followed, but nothing is sent to POST /api/v1/telemetry.
   */
  exposition?: Exposition;
  log: (line: string) => void;
  fetch?: typeof fetch;
  now?: () => number;
}

const fleetViewSchema = z.object({
  cells: z.array(
    z.object({
      id: z.string(),
      tier: z.string(),
      region: z.string(),
      services: z.array(z.object({ service: z.string(), observedVersion: z.string().nullable(), desiredVersion: z.string().nullable() })),
    }),
  ),
});

const unknownTargetsSchema = z.object({
  error: z.object({
    details: z.object({ cells: z.array(z.string()), services: z.array(z.string()), pairs: z.array(z.string()) }).partial(),
  }),
});

const desiredSchema = z.object({ cell: z.string(), status: z.string(), services: z.record(z.string(), z.string().nullable()) });
const flagCellsSchema = z.object({ cells: z.array(z.object({ cell: z.string(), customers: z.number(), on: z.number() })) });

/** The server is not answering usefully (refused, timed out, 5xx): back off and retry. */
class Unavailable extends Error {}

interface Stats {
  samples: number;
  batches: number;
  refused: number;
  polls: number;
  switches: number;
}

const fmtS = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

function groupLines<T extends { service: string; to: string; cell: string }>(items: T[], head: (x: T) => string, max = 6): string[] {
  const groups = new Map<string, T[]>();
  for (const x of items) {
    const k = head(x);
    groups.set(k, [...(groups.get(k) ?? []), x]);
  }
  return [...groups].map(
    ([k, xs]) =>
      `${k} on ${plural(xs.length, "cell")}: ${xs
        .slice(0, max)
        .map((x) => x.cell)
        .join(", ")}${xs.length > max ? ", …" : ""}`,
  );
}

export class FleetSimulator {
  readonly fleet: SimFleet = new Map();
  private readonly etags = new Map<string, string>();
  private readonly nextPoll = new Map<string, number>();
  private readonly rand: Random;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;
  private fileFaults: Fault[] = [];
  private fileText: string | undefined;
  private faultsKey = "";
  private periodMs: number;
  private backoffUntil = 0;
  private backoffMs = 0;
  private lastTroubleLog = 0;
  private refreshSoon = false;
  private pollNotBefore = 0;
  private stopSignal: AbortSignal | undefined;
  private stats: Stats = { samples: 0, batches: 0, refused: 0, polls: 0, switches: 0 };

  constructor(private readonly o: RunnerOptions) {
    this.rand = seededRandom(`${o.seed}:converge`);
    this.fetch = o.fetch ?? fetch;
    this.now = o.now ?? Date.now;
    this.periodMs = o.pollMs;
  }

  /** Faults in force: the command line's and the file's. */
  get faults(): Fault[] {
    return [...this.o.faults, ...this.fileFaults];
  }

  get available(): boolean {
    return this.now() >= this.backoffUntil;
  }

  private async call(method: "GET" | "POST", path: string, init: { body?: unknown; headers?: Record<string, string> } = {}) {
    let res: Response;
    try {
      res = await this.fetch(new URL(path, this.o.url), {
        method,
        headers: {
          authorization: `Bearer ${this.o.token}`,
          ...(init.body === undefined ? {} : { "content-type": "application/json" }),
          ...init.headers,
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: this.stopSignal ? AbortSignal.any([this.stopSignal, AbortSignal.timeout(20_000)]) : AbortSignal.timeout(20_000),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
      throw new Unavailable(`${method} ${path}: ${cause}`);
    }
    if (res.status >= 500) {
      const text = await res.text().catch(() => "");
      throw new Unavailable(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 200)}`);
    }
    if (res.status === 401 || res.status === 403) {
      const text = await res.text().catch(() => "");
      throw new Unavailable(`${method} ${path}: HTTP ${res.status} — the token was refused: ${text.slice(0, 200)}`);
    }
    return res;
  }

  /** Anything that went wrong talking to the API: log (not too often), back off, carry on. */
  private trouble(e: unknown) {
    if (this.stopSignal?.aborted) return; // stopping: an interrupted request is not news
    const message = e instanceof Unavailable ? e.message : `unexpected answer: ${(e as Error).message ?? e}`;
    const now = this.now();
    this.backoffMs = Math.min(30_000, Math.max(1_000, this.backoffMs * 2));
    this.backoffUntil = now + this.backoffMs;
    if (now - this.lastTroubleLog >= 30_000 || this.backoffMs === 1_000) {
      this.o.log(`API unavailable (${message}); retrying in ${fmtS(this.backoffMs)}`);
      this.lastTroubleLog = now;
    }
  }

  private recovered() {
    if (this.backoffMs > 0) this.o.log("API reachable again");
    this.backoffMs = 0;
    this.backoffUntil = 0;
  }

  /** Learn the fleet. False when the API could not be reached. */
  async refreshFleet(): Promise<boolean> {
    let view: FleetCellView[];
    try {
      const res = await this.call("GET", "/api/v1/fleet/health");
      if (!res.ok) throw new Unavailable(`GET /api/v1/fleet/health: HTTP ${res.status}`);
      view = fleetViewSchema.parse(await res.json()).cells;
    } catch (e) {
      this.trouble(e);
      return false;
    }
    this.recovered();
    this.refreshSoon = false;
    const first = this.fleet.size === 0;
    const change = reconcileFleet(this.fleet, view);
    const now = this.now();
    this.periodMs = pollPeriodMs(this.fleet.size, this.o.pollMs, this.o.maxPollsPerS);
    // A new cell starts from the desired versions the fleet view shows; later changes come from
    // its own polls, spread over the period by a phase per cell.
    const byId = new Map(view.map((c) => [c.id, c]));
    const scheduled: Scheduled[] = [];
    for (const id of change.added) {
      const desired = Object.fromEntries(byId.get(id)!.services.map((s) => [s.service, s.desiredVersion]));
      scheduled.push(...applyDesired(this.fleet.get(id)!, desired, now, this.rand, this.o.converge));
      this.nextPoll.set(id, nextPollAt(id, now, this.periodMs));
    }
    this.logScheduled(scheduled);
    for (const id of change.retired) this.forget(id);
    if (first) {
      const pairs = [...this.fleet.values()].reduce((a, c) => a + c.deployments.size, 0);
      this.o.log(
        `fleet: ${this.fleet.size} cells, ${pairs} cell × service pairs; desired versions polled every ${fmtS(this.periodMs)} per cell`,
      );
    } else if (change.added.length || change.retired.length) {
      const few = (ids: string[]) => ids.slice(0, 8).join(", ") + (ids.length > 8 ? ", …" : "");
      this.o.log(
        `fleet: ${this.fleet.size} cells${change.added.length ? `; +${change.added.length} new (${few(change.added)})` : ""}${change.retired.length ? `; −${change.retired.length} gone (${few(change.retired)})` : ""}`,
      );
    }
    return true;
  }

  /** Poll the desired versions of the cells that are due, a few at a time. */
  async pollDue(): Promise<void> {
    const now = this.now();
    if (!this.available || now < this.pollNotBefore) return;
    const due = [...this.nextPoll].filter(([, at]) => at <= now).map(([id]) => id);
    if (due.length === 0) return;
    const budget = due.slice(0, Math.max(1, this.o.maxPollsPerS));
    const scheduled: Scheduled[] = [];
    const queue = [...budget];
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined && this.available; id = queue.shift()) {
        try {
          scheduled.push(...(await this.pollOne(id)));
          this.nextPoll.set(id, nextPollAt(id, this.now(), this.periodMs));
        } catch (e) {
          this.trouble(e);
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    if (budget.length === this.o.maxPollsPerS) this.pollNotBefore = now + 1_000;
    this.logScheduled(scheduled);
  }

  private logScheduled(scheduled: Scheduled[]) {
    const now = this.now();
    for (const line of groupLines(
      scheduled,
      (s) => `desired ${s.service} ${s.to} (running ${s.from}); switching in ${fmtS(Math.max(0, s.at - now))}`,
    ))
      this.o.log(line);
  }

  private async pollOne(id: string): Promise<Scheduled[]> {
    const cell = this.fleet.get(id);
    if (!cell) return [];
    const etag = this.etags.get(id);
    const res = await this.call("GET", `/api/v1/cells/${encodeURIComponent(id)}/desired`, {
      headers: etag ? { "if-none-match": etag } : {},
    });
    this.stats.polls++;
    if (res.status === 304) return [];
    if (!res.ok) {
      const text = await res.text().catch(() => "");
      if (res.status === 404) this.refreshSoon = true;
      else this.o.log(`GET desired of ${id}: HTTP ${res.status} ${text.slice(0, 200)}`);
      return [];
    }
    const body = desiredSchema.parse(await res.json());
    const tag = res.headers.get("etag");
    if (tag) this.etags.set(id, tag);
    if (body.status === "retired") {
      this.refreshSoon = true;
      return [];
    }
    return applyDesired(cell, body.services, this.now(), this.rand, this.o.converge);
  }

  /** Re-read the faults file; a broken file keeps the previous faults. */
  readFaultsFile(): void {
    if (!this.o.faultsFile) return;
    let text: string;
    try {
      text = fs.readFileSync(this.o.faultsFile, "utf8");
    } catch {
      text = "";
    }
    if (text === this.fileText) return;
    this.fileText = text;
    const r = parseFaultsFile(text);
    if (!r.ok) {
      this.o.log(`faults file ${this.o.faultsFile}: ${r.message}; keeping the previous faults`);
      return;
    }
    this.fileFaults = r.faults;
  }

  private logFaultsIfChanged() {
    const key = JSON.stringify(this.faults);
    if (key === this.faultsKey) return;
    this.faultsKey = key;
    const list = this.faults;
    this.o.log(list.length ? `faults in force: ${list.map(describeFault).join("; ")}` : "faults in force: none");
  }

  /**
   * For `flag` faults: where each flag is on (GET /api/v1/flags/{key}/cells, scope flags:read), as the
   * share of each cell's customers. A flag that cannot be read fails no cell this tick.
   */
  private async flagShares(): Promise<Map<string, Map<string, number>>> {
    const keys = [...new Set(this.faults.flatMap((f) => (f.kind === "flag" ? [f.flag] : [])))];
    const out = new Map<string, Map<string, number>>();
    for (const key of keys) {
      try {
        const res = await this.call("GET", `/api/v1/flags/${encodeURIComponent(key)}/cells`);
        if (!res.ok) {
          this.o.log(`flag fault ${key}: HTTP ${res.status} (no such flag?)`);
          continue;
        }
        const body = flagCellsSchema.parse(await res.json());
        out.set(key, new Map(body.cells.map((c) => [c.cell, c.customers ? c.on / c.customers : 0])));
      } catch (e) {
        this.trouble(e);
      }
    }
    return out;
  }

  /** One tick: switch what is due, then send a sample for every cell × service that is not silent. */
  async tick(): Promise<{ posted: number; silent: string[]; switched: Switched[] }> {
    this.readFaultsFile();
    this.logFaultsIfChanged();
    const flagShares = this.available && this.faults.some((f) => f.kind === "flag") ? await this.flagShares() : undefined;
    const now = this.now();
    const switched = advanceFleet(this.fleet, now);
    this.stats.switches += switched.length;
    for (const line of groupLines(switched, (s) => `now running ${s.service} ${s.to} (was ${s.from})`)) this.o.log(line);
    const { samples, silentCells } = buildSamples(this.fleet, {
      now: new Date(now),
      seed: this.o.seed,
      intervalMs: this.o.intervalMs,
      faults: this.faults,
      capabilities: this.o.capabilities,
      flagShares,
    });
    if (this.o.exposition) {
      this.o.exposition.record(samples, this.o.intervalMs / 1000);
      this.stats.samples += samples.length;
      return { posted: 0, silent: silentCells, switched };
    }
    if (!this.available) return { posted: 0, silent: silentCells, switched };
    let posted = 0;
    for (const batch of chunk(samples, this.o.batchSize)) {
      try {
        posted += await this.postBatch(batch, true);
      } catch (e) {
        this.trouble(e);
        break;
      }
    }
    if (posted) this.recovered();
    this.stats.samples += posted;
    return { posted, silent: silentCells, switched };
  }

  /**
   * POST one batch; the number of samples stored. A 422 names cells that are gone (retired or
   * removed since the last fleet refresh): they are dropped at once and the rest is sent again.
   */
  private async postBatch(batch: SimSample[], retry: boolean): Promise<number> {
    // The columns form: half the bytes of one object a sample, and cheaper for the server to read.
    const res = await this.call("POST", "/api/v1/telemetry", { body: { columns: sampleColumns(batch) } });
    this.stats.batches++;
    const text = await res.text();
    if (res.ok) return batch.length;
    if (res.status === 422) {
      this.refreshSoon = true;
      let body: unknown = {};
      try {
        body = JSON.parse(text);
      } catch {
        // not the API's error shape: handled below as an unexplained refusal
      }
      const details = unknownTargetsSchema.safeParse(body).data?.error.details ?? {};
      const cells = new Set(details.cells ?? []);
      const services = new Set(details.services ?? []);
      const pairs = new Set(details.pairs ?? []);
      for (const id of cells) this.forget(id);
      for (const p of pairs) {
        const [cell, service] = p.split("/");
        this.fleet.get(cell!)?.deployments.delete(service!);
      }
      const rest = batch.filter((x) => !cells.has(x.cell) && !services.has(x.service) && !pairs.has(`${x.cell}/${x.service}`));
      if (rest.length < batch.length) {
        this.stats.refused += batch.length - rest.length;
        this.o.log(
          `telemetry refused for targets the registry does not have (${[...cells, ...services, ...pairs].slice(0, 8).join(", ")}); dropped until the next fleet refresh`,
        );
        return retry && rest.length ? this.postBatch(rest, false) : 0;
      }
    }
    this.stats.refused += batch.length;
    this.o.log(`telemetry batch refused: HTTP ${res.status} ${text.slice(0, 300)}`);
    return 0;
  }

  private forget(id: string) {
    this.fleet.delete(id);
    this.nextPoll.delete(id);
    this.etags.delete(id);
  }

  /** Run until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    this.stopSignal = signal;
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        if (signal.aborted) return resolve();
        const t = setTimeout(done, Math.max(0, ms));
        function done() {
          clearTimeout(t);
          signal.removeEventListener("abort", done);
          resolve();
        }
        signal.addEventListener("abort", done, { once: true });
      });
    this.o.log(
      `playing the fleet through ${this.o.url}${this.o.exposition ? " (readings exposed for Prometheus, none pushed)" : ""} (sample every ${fmtS(this.o.intervalMs)}, switch ${this.o.converge.minS}–${this.o.converge.maxS} s after a desired version changes, seed ${this.o.seed})`,
    );
    while (!signal.aborted && !(await this.refreshFleet())) await sleep(this.backoffUntil - this.now());
    let nextTick = this.now();
    let nextRefresh = this.now() + this.o.refreshMs;
    let nextSummary = this.now() + 60_000;
    while (!signal.aborted) {
      const now = this.now();
      if ((now >= nextRefresh || this.refreshSoon) && this.available) {
        await this.refreshFleet();
        nextRefresh = this.now() + this.o.refreshMs;
      }
      if (now >= nextTick) {
        await this.tick();
        nextTick += this.o.intervalMs;
        if (nextTick <= this.now()) nextTick = this.now() + this.o.intervalMs; // fell behind: skip, do not burst
      }
      await this.pollDue();
      if (this.now() >= nextSummary) {
        const s = this.stats;
        this.o.log(
          `last minute: ${s.samples} samples in ${s.batches} batches${s.refused ? ` (${s.refused} refused)` : ""}, ${s.polls} desired-version polls, ${s.switches} version switches; ${this.fleet.size} cells`,
        );
        this.stats = { samples: 0, batches: 0, refused: 0, polls: 0, switches: 0 };
        nextSummary = this.now() + 60_000;
      }
      let earliestPoll = Infinity;
      for (const at of this.nextPoll.values()) if (at < earliestPoll) earliestPoll = at;
      earliestPoll = Math.max(earliestPoll, this.pollNotBefore);
      const wake = Math.min(nextTick, nextRefresh, earliestPoll, this.now() + 1_000);
      await sleep(Math.max(this.backoffUntil, wake) - this.now());
    }
  }
}
