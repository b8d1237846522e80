// The simulated load and health of one cell × service: a diurnal curve in the cell's region, noise,
// and the faults in force. Pure: time and randomness come in as arguments.
import { boundedNormal, hashString, type Random } from "./random";

/** Standard-time UTC offsets of the regions the examples use (daylight saving is noise here). */
export const REGION_UTC_OFFSET_HOURS: Record<string, number> = {
  "us-east-1": -5,
  "us-east-2": -5,
  "us-west-2": -8,
  "eu-west-1": 0,
  "eu-central-1": 1,
  "ap-southeast-1": 8,
  "ap-southeast-2": 10,
  "ap-northeast-1": 9,
};

const PREFIX_OFFSET: Record<string, number> = { us: -6, ca: -5, sa: -3, eu: 1, me: 3, af: 2, ap: 8 };

export function regionUtcOffset(region: string): number {
  return REGION_UTC_OFFSET_HOURS[region] ?? PREFIX_OFFSET[region.split("-")[0] ?? ""] ?? 0;
}

/** Local time of day in hours, [0, 24). */
export function localHour(region: string, now: Date): number {
  const utc = now.getUTCHours() + now.getUTCMinutes() / 60 + now.getUTCSeconds() / 3600;
  return (((utc + regionUtcOffset(region)) % 24) + 24) % 24;
}

/** Share of peak load at a local hour: lowest (0.2) at 04:00, highest (1.0) at 16:00. */
export function diurnalLoad(hour: number): number {
  return 0.6 - 0.4 * Math.cos((2 * Math.PI * (hour - 4)) / 24);
}

export interface ServiceProfile {
  /** Requests per second of a standard SMB cell at peak. */
  rps: number;
  /** p99 latency at no load, in ms. */
  p99Ms: number;
  /** Typical error rate (fraction). */
  errorRate: number;
}

export const SERVICE_PROFILES: Record<string, ServiceProfile> = {
  sms: { rps: 420, p99Ms: 140, errorRate: 0.0002 },
  voice: { rps: 160, p99Ms: 190, errorRate: 0.00025 },
  video: { rps: 60, p99Ms: 200, errorRate: 0.0003 },
  whatsapp: { rps: 310, p99Ms: 150, errorRate: 0.0002 },
  email: { rps: 380, p99Ms: 170, errorRate: 0.00015 },
};
const OTHER_SERVICE: ServiceProfile = { rps: 200, p99Ms: 180, errorRate: 0.0002 };

export const TIER_SCALE: Record<string, number> = { canary: 0.15, smb: 1, enterprise: 2.2 };

/**
 * Hard ceilings of the healthy baseline, below the default yellow thresholds (error 0.1%, p99
 * 500 ms, CPU 85%): noise and blips never turn a healthy tile yellow on their own.
 */
export const HEALTHY_CEILING = { errorRate: 0.0009, p99Ms: 450, cpu: 0.8 } as const;

/** How often a healthy sample carries an error blip (still below the ceiling). */
export const BLIP_CHANCE = 0.004;

export interface Reading {
  errorRate: number;
  p99Ms: number;
  cpu: number;
  rps: number;
}

export interface PairIdentity {
  cell: string;
  tier: string;
  region: string;
  service: string;
}

/** A stable size factor per cell, 0.7–1.3: cells of one tier are not all the same size. */
export function cellSize(cell: string): number {
  return 0.7 + 0.6 * (hashString(cell) / 4294967296);
}

/** A healthy reading: rps follows the local time of day; p99 and CPU rise with load. */
export function healthyReading(p: PairIdentity, now: Date, rand: Random): Reading {
  const prof = SERVICE_PROFILES[p.service] ?? OTHER_SERVICE;
  const load = diurnalLoad(localHour(p.region, now));
  const rps = prof.rps * (TIER_SCALE[p.tier] ?? 1) * cellSize(p.cell) * load * (1 + 0.05 * boundedNormal(rand));
  const p99Ms = prof.p99Ms * (1 + 0.7 * load * load) * Math.exp(0.06 * boundedNormal(rand));
  const cpu = 0.12 + 0.5 * load + 0.025 * boundedNormal(rand);
  let errorRate = prof.errorRate * (0.6 + 0.8 * load) * Math.exp(0.25 * boundedNormal(rand));
  if (rand() < BLIP_CHANCE) errorRate *= 2 + rand();
  return {
    rps: Math.max(0, rps),
    p99Ms: Math.min(HEALTHY_CEILING.p99Ms, Math.max(1, p99Ms)),
    cpu: Math.min(HEALTHY_CEILING.cpu, Math.max(0.01, cpu)),
    errorRate: Math.min(HEALTHY_CEILING.errorRate, Math.max(0, errorRate)),
  };
}

/** What the faults in force do to one pair (see faults.ts). */
export interface FaultEffect {
  silent: boolean;
  errorRate?: number;
  p99Ms?: number;
}

/** Overlay fault values on a reading, with a little noise so a faulty tile does not look frozen. */
export function withFaults(r: Reading, e: FaultEffect, rand: Random): Reading {
  const out = { ...r };
  if (e.errorRate !== undefined) out.errorRate = Math.min(1, Math.max(r.errorRate, e.errorRate * Math.exp(0.08 * boundedNormal(rand, 2))));
  if (e.p99Ms !== undefined) {
    out.p99Ms = Math.max(r.p99Ms, e.p99Ms * Math.exp(0.05 * boundedNormal(rand, 2)));
    out.cpu = Math.min(1, out.cpu + 0.05); // slow requests pile up a little
  }
  return out;
}

/** Rounded for the wire: six decimals of error rate, tenths of ms and rps, four decimals of CPU. */
export function rounded(r: Reading): Reading {
  return {
    errorRate: Math.round(r.errorRate * 1e6) / 1e6,
    p99Ms: Math.round(r.p99Ms * 10) / 10,
    cpu: Math.round(r.cpu * 1e4) / 1e4,
    rps: Math.round(r.rps * 10) / 10,
  };
}
