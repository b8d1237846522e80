// The simulated fleet's state and what one tick produces. Pure: the fleet view, the desired
// versions, time and the seed come in; samples and version switches come out.
import { apiVersionsFor, type CapabilityMap } from "./capabilities";
import { advance, convergeDelayMs, initialVersion, majority, onDesired, type ConvergeRange, type Deployment } from "./convergence";
import { faultEffect, type Fault } from "./faults";
import { healthyReading, rounded, withFaults } from "./model";
import { hashString, seededRandom, type Random } from "./random";

/** What GET /api/v1/fleet/health says about a cell (the parts the simulator uses). */
export interface FleetCellView {
  id: string;
  tier: string;
  region: string;
  services: { service: string; observedVersion: string | null; desiredVersion: string | null }[];
}

export interface SimCell {
  id: string;
  tier: string;
  region: string;
  /** service → deployment; updated in place by the functions below. */
  deployments: Map<string, Deployment>;
}

export type SimFleet = Map<string, SimCell>;

/** One telemetry sample as POST /api/v1/telemetry takes it. */
export interface SimSample {
  cell: string;
  service: string;
  ts: number;
  errorRate: number;
  p99Ms: number;
  cpu: number;
  rps: number;
  version: string;
  apiVersions: string[];
}

/** A batch as POST /api/v1/telemetry's `columns` form takes it: one array a field (lib/health/telemetry.ts). */
export function sampleColumns(batch: SimSample[]) {
  const col = <K extends keyof SimSample>(k: K) => batch.map((x) => x[k]);
  return {
    cell: col("cell"),
    service: col("service"),
    ts: col("ts"),
    errorRate: col("errorRate"),
    p99Ms: col("p99Ms"),
    cpu: col("cpu"),
    rps: col("rps"),
    version: col("version"),
    apiVersions: col("apiVersions"),
  };
}

export interface FleetChange {
  added: string[];
  retired: string[];
}

/**
 * Make the simulated fleet match the registry: new cells start on the version they last reported
 * (or should run, or most of the fleet runs); retired cells disappear; known cells keep running
 * what they run. Updates `fleet` in place.
 */
export function reconcileFleet(fleet: SimFleet, view: readonly FleetCellView[]): FleetChange {
  const common = majority(view.flatMap((c) => c.services.map((s) => ({ key: s.service, value: s.observedVersion }))));
  const seen = new Set<string>();
  const added: string[] = [];
  for (const v of view) {
    seen.add(v.id);
    let cell = fleet.get(v.id);
    if (!cell) {
      cell = { id: v.id, tier: v.tier, region: v.region, deployments: new Map() };
      fleet.set(v.id, cell);
      added.push(v.id);
    }
    cell.tier = v.tier;
    cell.region = v.region;
    const services = new Set(v.services.map((s) => s.service));
    for (const s of v.services) {
      if (!cell.deployments.has(s.service)) {
        cell.deployments.set(s.service, { running: initialVersion(s.observedVersion, s.desiredVersion, common.get(s.service)) });
      }
    }
    for (const s of [...cell.deployments.keys()]) if (!services.has(s)) cell.deployments.delete(s);
  }
  const retired = [...fleet.keys()].filter((id) => !seen.has(id));
  for (const id of retired) fleet.delete(id);
  return { added, retired };
}

export interface Scheduled {
  cell: string;
  service: string;
  from: string;
  to: string;
  at: number;
}

/** A cell's answer from GET /api/v1/cells/{cell}/desired: schedule (or cancel) switches. */
export function applyDesired(
  cell: SimCell,
  desired: Record<string, string | null>,
  nowMs: number,
  rand: Random,
  range: ConvergeRange,
): Scheduled[] {
  const out: Scheduled[] = [];
  for (const [service, d] of cell.deployments) {
    const want = desired[service];
    const delay = want && want !== d.running && d.pending?.version !== want ? convergeDelayMs(range, rand) : 0;
    const next = onDesired(d, want, nowMs, delay);
    if (next === d) continue;
    cell.deployments.set(service, next);
    if (next.pending && next.pending !== d.pending)
      out.push({ cell: cell.id, service, from: d.running, to: next.pending.version, at: next.pending.at });
  }
  return out;
}

export interface Switched {
  cell: string;
  service: string;
  from: string;
  to: string;
}

/** Switch every deployment whose delay has passed. */
export function advanceFleet(fleet: SimFleet, nowMs: number): Switched[] {
  const out: Switched[] = [];
  for (const cell of fleet.values()) {
    for (const [service, d] of cell.deployments) {
      const r = advance(d, nowMs);
      if (!r.switched) continue;
      cell.deployments.set(service, r.deployment);
      out.push({ cell: cell.id, service, ...r.switched });
    }
  }
  return out;
}

/**
 * The noise of one pair in one time slot: derived from the seed, the pair and the slot, so a
 * sample does not depend on what else the fleet contains or in which order it is visited.
 */
export function pairRandom(seed: string, cell: string, service: string, slot: number): Random {
  return seededRandom(hashString(`${seed}|${cell}|${service}|${slot}`));
}

export interface TickInput {
  now: Date;
  seed: string;
  /** Length of a tick; samples of one slot share their noise stream. */
  intervalMs: number;
  faults: readonly Fault[];
  capabilities: CapabilityMap;
  /** For `flag` faults: flag → cell → share of the cell's customers the flag is on for. */
  flagShares?: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

/** Every sample of one tick. Silent pairs send nothing. */
export function buildSamples(fleet: SimFleet, t: TickInput): { samples: SimSample[]; silentCells: string[] } {
  const samples: SimSample[] = [];
  const silentCells: string[] = [];
  const ts = t.now.getTime();
  const slot = Math.floor(ts / t.intervalMs);
  for (const cell of fleet.values()) {
    let sent = 0;
    for (const [service, d] of cell.deployments) {
      const effect = faultEffect(t.faults, {
        cell: cell.id,
        region: cell.region,
        service,
        version: d.running,
        flagShare: (flag) => t.flagShares?.get(flag)?.get(cell.id) ?? 0,
      });
      if (effect.silent) continue;
      const rand = pairRandom(t.seed, cell.id, service, slot);
      const r = rounded(
        withFaults(healthyReading({ cell: cell.id, tier: cell.tier, region: cell.region, service }, t.now, rand), effect, rand),
      );
      samples.push({
        cell: cell.id,
        service,
        ts,
        ...r,
        version: d.running,
        apiVersions: apiVersionsFor(t.capabilities, service, d.running),
      });
      sent++;
    }
    if (sent === 0 && cell.deployments.size > 0) silentCells.push(cell.id);
  }
  return { samples, silentCells };
}
