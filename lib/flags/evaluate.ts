// Flag evaluation in OpenFeature terms, a pure function of (flag, context, now).
//
//   disabled                      → false, DISABLED        (the kill switch beats everything)
//   no targeting key              → false, ERROR, TARGETING_KEY_MISSING
//   targeting key not a string    → false, ERROR, INVALID_CONTEXT
//   home cell lacks the code      → false, PREREQUISITE_FAILED  (a custom OpenFeature reason:
//                                   `requires` names a version range the home cell does not run yet)
//   allowlisted                   → true,  TARGETING_MATCH
//   targeting set, not matched    → false, DEFAULT
//   otherwise                     → bucket <= effective percentage, SPLIT   (a held ramp: its held percentage;
//                                   during a fleet freeze: no more than the lowest since it began)
//
// Flags are compiled once (sets, the salt prefix, the schedule as arrays) and the compiled form is
// cached per flag object, so evaluating many customers against the same flag costs one hash each.
import semver from "semver";
import { bucketOf } from "./bucket";
import type { FlagConfig } from "./model";
import { activeStepIndex, effectivePercentage } from "./schedule";

export type EvaluationReason = "DISABLED" | "TARGETING_MATCH" | "SPLIT" | "DEFAULT" | "PREREQUISITE_FAILED" | "ERROR";

/** service → the version the customer's home cell runs (observed), from the registry. */
export type CellVersions = Record<string, string | null>;

/** Does `version` satisfy `range`? Versions may carry a leading "v" (v2.5.0). */
export function satisfiesRange(version: string | null | undefined, range: string): boolean {
  if (!version) return false;
  const v = semver.coerce(version, { includePrerelease: true });
  return v !== null && semver.satisfies(v, range);
}

/** The first prerequisite a cell running `versions` misses, or null when it runs them all. */
export function missingPrerequisite(
  requires: readonly { service: string; range: string }[],
  versions: CellVersions | null | undefined,
): { service: string; range: string; running: string | null } | null {
  for (const r of requires) {
    const running = versions?.[r.service] ?? null;
    if (!satisfiesRange(running, r.range)) return { ...r, running };
  }
  return null;
}
export type EvaluationErrorCode = "TARGETING_KEY_MISSING" | "INVALID_CONTEXT" | "FLAG_NOT_FOUND";

/** OpenFeature evaluation context: `targetingKey` is the customer id; `tier`, `cell`, `region` its home cell. */
export interface EvaluationContext {
  targetingKey?: unknown;
  [attribute: string]: unknown;
}

export interface Evaluation {
  value: boolean;
  reason: EvaluationReason;
  variant?: "on" | "off";
  errorCode?: EvaluationErrorCode;
  errorMessage?: string;
  flagMetadata: Record<string, string | number | boolean>;
}

interface CompiledFlag {
  key: string;
  enabled: boolean;
  version: number;
  allowlist: ReadonlySet<string>;
  salt: string;
  tiers: ReadonlySet<string> | null;
  cells: ReadonlySet<string> | null;
  regions: ReadonlySet<string> | null;
  schedule: FlagConfig["schedule"];
  manualAt: number;
  manualPercentage: number;
  requires: { service: string; range: string }[];
  /** The held percentage while the guard holds the ramp, and since when. */
  held: { percentage: number; at: number } | null;
  /** The fleet freezes as [start, end) in milliseconds; inside one the percentage comes from the schedule's freeze rule. */
  freezes: readonly (readonly [number, number])[];
  flag: FlagConfig;
}

const compiled = new WeakMap<FlagConfig, CompiledFlag>();
const setOrNull = (xs: readonly string[]) => (xs.length ? new Set(xs) : null);

/** The compiled form of a flag; flag objects are treated as immutable once evaluated. */
export function compileFlag(flag: FlagConfig): CompiledFlag {
  let c = compiled.get(flag);
  if (!c) {
    c = {
      key: flag.key,
      enabled: flag.enabled,
      version: flag.version,
      allowlist: new Set(flag.allowlist),
      salt: flag.salt || flag.key,
      tiers: setOrNull(flag.targeting.tiers),
      cells: setOrNull(flag.targeting.cells),
      regions: setOrNull(flag.targeting.regions),
      schedule: flag.schedule,
      manualAt: flag.percentageSetAt.getTime(),
      manualPercentage: flag.rolloutPercentage,
      requires: Object.entries(flag.requires ?? {}).map(([service, range]) => ({ service, range })),
      held: flag.hold ? { percentage: flag.hold.percentage, at: flag.hold.at.getTime() } : null,
      freezes: (flag.freezes ?? []).map((f) => [f.startsAt.getTime(), f.endsAt.getTime()] as const),
      flag,
    };
    compiled.set(flag, c);
  }
  return c;
}

function percentageAt(c: CompiledFlag, now: Date): number {
  const t = now.getTime();
  if (c.freezes.length && c.freezes.some(([from, to]) => from <= t && t < to)) return effectivePercentage(c.flag, now);
  if (c.held && c.held.at <= now.getTime()) return c.held.percentage;
  if (c.schedule.length === 0) return c.manualPercentage;
  const i = activeStepIndex(c.schedule, now);
  if (i >= 0 && (c.schedule[i]!.at.getTime() >= c.manualAt || c.manualAt > now.getTime())) return c.schedule[i]!.percentage;
  return c.manualPercentage;
}

const matches = (set: ReadonlySet<string> | null, v: unknown) => set === null || (typeof v === "string" && set.has(v));

/**
 * `versions`: what the customer's home cell runs (from the registry), for the flag's prerequisites;
 * null or absent when the home cell is unknown — then a flag with prerequisites is off for them.
 */
export function evaluate(flag: FlagConfig, context: EvaluationContext, now: Date, versions?: CellVersions | null): Evaluation {
  const c = compileFlag(flag);
  if (!c.enabled) {
    return { value: false, reason: "DISABLED", variant: "off", flagMetadata: { version: c.version } };
  }
  const id = context.targetingKey;
  if (id === undefined || id === null || id === "") {
    return {
      value: false,
      reason: "ERROR",
      errorCode: "TARGETING_KEY_MISSING",
      errorMessage: `flag "${c.key}" is evaluated per customer: send the customer id as the targetingKey`,
      flagMetadata: {},
    };
  }
  if (typeof id !== "string") {
    return {
      value: false,
      reason: "ERROR",
      errorCode: "INVALID_CONTEXT",
      errorMessage: "targetingKey must be a string (the customer id)",
      flagMetadata: {},
    };
  }
  if (c.requires.length) {
    const miss = missingPrerequisite(c.requires, versions);
    if (miss) {
      return {
        value: false,
        reason: "PREREQUISITE_FAILED",
        variant: "off",
        flagMetadata: {
          version: c.version,
          prerequisite: `${miss.service} ${miss.range}`,
          cellVersion: miss.running ?? (versions ? "none" : "unknown home cell"),
        },
      };
    }
  }
  if (c.allowlist.has(id)) {
    return { value: true, reason: "TARGETING_MATCH", variant: "on", flagMetadata: { version: c.version, allowlisted: true } };
  }
  if (!matches(c.tiers, context.tier) || !matches(c.cells, context.cell) || !matches(c.regions, context.region)) {
    return { value: false, reason: "DEFAULT", variant: "off", flagMetadata: { version: c.version, targeted: false } };
  }
  const percentage = percentageAt(c, now);
  const bucket = bucketOf(c.salt, id);
  const on = percentage > 0 && bucket <= percentage;
  return { value: on, reason: "SPLIT", variant: on ? "on" : "off", flagMetadata: { version: c.version, percentage, bucket } };
}

/** Evaluate by key against a set of flags: an unknown key is FLAG_NOT_FOUND. */
export function evaluateKey(
  flags: ReadonlyMap<string, FlagConfig>,
  key: string,
  context: EvaluationContext,
  now: Date,
  versions?: CellVersions | null,
): Evaluation {
  const flag = flags.get(key);
  if (!flag) return { value: false, reason: "ERROR", errorCode: "FLAG_NOT_FOUND", errorMessage: `no flag "${key}"`, flagMetadata: {} };
  return evaluate(flag, context, now, versions);
}
