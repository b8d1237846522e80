// The feature flag model: what a flag is, and the one set of validation rules the UI, the HTTP API,
// the flags-as-code import and the seed all use. Pure: no I/O, no clock.
import semver from "semver";
import { z } from "zod";
import { TIERS, type Tier } from "@/lib/fleet/fleet-yaml";
import { checkItem, parseCheck } from "@/lib/rollouts/checks";
import { formatDuration, parseDuration } from "@/lib/rollouts/durations";
import { notifyProblem } from "@/lib/rollouts/notify";
import { readColumn } from "@/lib/json-column";
import { checkSchema } from "@/lib/rollouts/release-doc";
import type { FreezeSpan } from "@/lib/settings/freezes";
import type { CheckSpec } from "@/lib/rollouts/types";

export const FLAG_KEY_PATTERN = /^[a-zA-Z][a-zA-Z0-9_.-]*$/;
export const MAX_ALLOWLIST = 10_000;
export const MAX_SCHEDULE_STEPS = 50;

export interface ScheduleStep {
  at: Date;
  /** Whole percent of customers, 0–100. */
  percentage: number;
}

/** Who may see the flag at all: customers whose home cell matches every non-empty list. */
export interface FlagTargeting {
  tiers: Tier[];
  cells: string[];
  regions: string[];
}

/** service → a semver range its version must satisfy in the customer's home cell, e.g. { sms: ">=2.5.0" }. */
export type FlagRequires = Record<string, string>;

/** A ramp held by its guard: the percentage in force until a product owner resumes it. */
export interface RampHold {
  at: Date;
  percentage: number;
}

/** What watches a flag's ramp (lib/flags/guard.ts): the check language of pipelines. */
export interface FlagGuard {
  checks: CheckSpec[];
  /** hold: stay at the current step; revert: go back to the percentage before the last increase. */
  onBreach: "hold" | "revert";
  /** Also watch a percentage raised by hand (a scheduled step is always watched). */
  watchHandRaised: boolean;
  /** Where to say so: slack://<channel> or an https:// webhook; null: slack://<owner>. */
  notify: string | null;
  /** How long an increase is watched once no later step is planned. */
  watchForMs: number;
}

/** Everything evaluation needs. */
export interface FlagConfig {
  key: string;
  /** The kill switch: off means off for everyone, allowlisted customers included. */
  enabled: boolean;
  /** The percentage last set by hand… */
  rolloutPercentage: number;
  /** …and when. It holds until the next scheduled step at or before `now` that is newer. */
  percentageSetAt: Date;
  allowlist: string[];
  /** Stickiness salt: the bucketing group id (Unleash's `groupId`). Defaults to the key. */
  salt: string;
  targeting: FlagTargeting;
  /** Ordered by time, strictly increasing. */
  schedule: ScheduleStep[];
  /** Code prerequisites: versions the customer's home cell must run (absent or {}: none). */
  requires?: FlagRequires;
  /** Set while the guard holds the ramp: this percentage is in force, whatever the schedule says. */
  hold?: RampHold | null;
  /**
   * The fleet freezes (loaded with the flag): while one is in force the percentage in force does not
   * rise (lib/flags/schedule.ts). Not part of the flag's spec; absent: none.
   */
  freezes?: readonly FreezeSpan[];
  /** Optimistic concurrency: bumped by every change. */
  version: number;
}

export interface Flag extends FlagConfig {
  requires: FlagRequires;
  hold: RampHold | null;
  description: string;
  owner: string;
  guard: FlagGuard | null;
  /** Why the ramp is held, in words (with `hold`). */
  holdReason: string | null;
  /** The effective percentage just before the last hand-set change (what `revert` returns to). */
  percentageBefore: number | null;
  /** The guard looks no further back than this (set when a product owner resumes a held ramp). */
  guardSince: Date | null;
  /** Changes by a person wait for a second product owner or an admin (change requests), but switching it off. Absent: false. */
  protected?: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export const EMPTY_TARGETING: FlagTargeting = { tiers: [], cells: [], regions: [] };

export const hasTargeting = (t: FlagTargeting) => t.tiers.length > 0 || t.cells.length > 0 || t.regions.length > 0;

// ---- Validation (zod schemas shared by every entry point) ----

const PERCENT = "must be a whole number from 0 to 100";

export const flagKeySchema = z
  .string({ error: "required: a key such as newVoiceCodec" })
  .min(1, "required: a key such as newVoiceCodec")
  .max(100, "must be at most 100 characters")
  .regex(FLAG_KEY_PATTERN, "must start with a letter and contain only letters, digits, _ . - (e.g. newVoiceCodec)");

export const percentageSchema = z.number({ error: PERCENT }).int(PERCENT).min(0, PERCENT).max(100, PERCENT);

export const customerIdSchema = z
  .string({ error: "must be a customer id" })
  .trim()
  .min(1, "must be a customer id")
  .max(200, "must be at most 200 characters");

/** An instant with an explicit time zone (ISO 8601), e.g. 2026-11-27T09:00:00Z. */
const instantSchema = z
  .union([z.date(), z.string({ error: "must be a date and time such as 2026-11-27T09:00:00Z" })])
  .transform((v, ctx) => {
    if (v instanceof Date) {
      if (Number.isNaN(v.getTime())) ctx.addIssue({ code: "custom", message: "not a valid date" });
      return v;
    }
    const ok = z.iso.datetime({ offset: true }).safeParse(v).success;
    const d = new Date(v);
    if (!ok || Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: "custom", message: `"${v}" is not a date and time with a time zone, such as 2026-11-27T09:00:00Z` });
      return z.NEVER;
    }
    return d;
  });

export const scheduleStepSchema = z.strictObject(
  { at: instantSchema, percentage: percentageSchema },
  { error: (iss) => (iss.code === "unrecognized_keys" ? `unknown field (allowed: at, percentage)` : "must be a step { at, percentage }") },
);

export const scheduleSchema = z
  .array(scheduleStepSchema, { error: "must be a list of steps { at, percentage }" })
  .max(MAX_SCHEDULE_STEPS, `at most ${MAX_SCHEDULE_STEPS} steps`)
  .superRefine((steps, ctx) => {
    for (let i = 1; i < steps.length; i++) {
      const prev = steps[i - 1]!,
        cur = steps[i]!;
      if (cur.at.getTime() <= prev.at.getTime()) {
        ctx.addIssue({
          code: "custom",
          path: [i, "at"],
          message: `not in time order: ${cur.at.toISOString()} is not after the previous step (${prev.at.toISOString()})`,
        });
      }
    }
  });

/** `{ sms: ">=2.5.0" }`: service ids and semver ranges (services are checked against the registry). */
export const requiresSchema = z
  .record(
    z.string().regex(/^[a-z0-9-]+$/, "must be a service id such as sms"),
    z
      .string({ error: 'must be a version range such as ">=2.5.0"' })
      .trim()
      .min(1, 'must be a version range such as ">=2.5.0"')
      .max(100, "must be at most 100 characters")
      .refine((r) => semver.validRange(r) !== null, { message: 'is not a semver range (e.g. ">=2.5.0", "^3.2", ">=1.2.0 <2")' }),
    {
      error: (iss) =>
        iss.code === "invalid_key"
          ? "must be a service id such as sms"
          : 'must be a mapping of service to version range, e.g. { sms: ">=2.5.0" }',
    },
  )
  .default({});

export const FLAG_GUARD_FIELDS = ["checks", "onBreach", "watchHandRaised", "notify", "watchFor"] as const;
export const DEFAULT_WATCH_FOR_MS = 3600_000;

/** A flag's guard as written: the checks in the pipelines' language, and what to do on a breach. */
export const flagGuardSchema = z.strictObject(
  {
    checks: z
      .array(z.unknown(), { error: 'must be a list of checks, e.g. ["error_rate < 2x baseline"]' })
      .min(1, 'needs at least one check, e.g. "error_rate < 2x baseline"')
      .max(20, "at most 20 checks")
      .transform((items, ctx) =>
        items.flatMap((item, i) => {
          const c = parseCheck(item);
          if (typeof c === "string") {
            ctx.addIssue({ code: "custom", path: [i], message: c });
            return [];
          }
          return [c];
        }),
      ),
    onBreach: z
      .enum(["hold", "revert"], { error: "must be hold (stay at the current step) or revert (back to the step before)" })
      .default("hold"),
    watchHandRaised: z.boolean({ error: "must be true or false" }).default(false),
    notify: z
      .string({ error: "must be slack://<channel> or an https:// URL" })
      .nullable()
      .default(null)
      .superRefine((v, ctx) => {
        const problem = v === null ? null : notifyProblem(v);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
    watchFor: z
      .union([z.string(), z.number()], { error: "must be a duration such as 1h" })
      .default("1h")
      .transform((v, ctx) => {
        const ms = typeof v === "string" ? parseDuration(v) : null;
        if (ms === null || ms === 0) {
          ctx.addIssue({ code: "custom", message: `"${String(v)}" is not a duration (e.g. 30m, 1h, 1d)` });
          return z.NEVER;
        }
        return ms;
      }),
  },
  {
    error: (iss) =>
      iss.code === "unrecognized_keys"
        ? `unknown field (allowed: ${FLAG_GUARD_FIELDS.join(", ")})`
        : "must be a mapping { checks, onBreach, … }",
  },
);

/** The stored form of a guard (watchFor in milliseconds). */
export const toFlagGuard = (g: z.output<typeof flagGuardSchema>): FlagGuard => ({
  checks: g.checks,
  onBreach: g.onBreach,
  watchHandRaised: g.watchHandRaised,
  notify: g.notify,
  watchForMs: g.watchFor,
});

/** The JSON columns of a flag as stored: `requires` and `guard`. */
const storedRequires: z.ZodType<FlagRequires> = z.record(z.string(), z.string());
const storedGuard: z.ZodType<FlagGuard> = z.object({
  checks: z.array(checkSchema),
  onBreach: z.enum(["hold", "revert"]),
  watchHandRaised: z.boolean(),
  notify: z.string().nullable(),
  watchForMs: z.number(),
});
export const parseStoredRequires = (v: unknown, key: string) => readColumn(storedRequires, v, "feature_flags.requires", key);
export const parseStoredGuard = (v: unknown, key: string) => (v === null ? null : readColumn(storedGuard, v, "feature_flags.guard", key));

const uniqueList = <T extends z.ZodType<string>>(item: T, what: string) =>
  z.array(item, { error: `must be a list of ${what}` }).superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((v, i) => {
      if (seen.has(v)) ctx.addIssue({ code: "custom", path: [i], message: `"${v}" is listed twice` });
      seen.add(v);
    });
  });

export const targetingSchema = z.strictObject(
  {
    tiers: uniqueList(z.enum(TIERS, { error: `unknown tier (one of ${TIERS.join(", ")})` }), "tiers").default([]),
    cells: uniqueList(z.string().min(1, "must be a cell id"), "cell ids").default([]),
    regions: uniqueList(z.string().min(1, "must be a region"), "regions").default([]),
  },
  {
    error: (iss) =>
      iss.code === "unrecognized_keys" ? "unknown field (allowed: tiers, cells, regions)" : "must be a mapping { tiers, cells, regions }",
  },
);

export const allowlistSchema = uniqueList(customerIdSchema, "customer ids").max(MAX_ALLOWLIST, `at most ${MAX_ALLOWLIST} customers`);

export const saltSchema = z.string({ error: "must be text" }).trim().min(1, "must not be empty").max(200, "must be at most 200 characters");

export const FLAG_SPEC_FIELDS = [
  "key",
  "description",
  "owner",
  "enabled",
  "rolloutPercentage",
  "allowlist",
  "salt",
  "targeting",
  "schedule",
  "requires",
  "guard",
  "protected",
] as const;

/** One flag as written in flags-as-code and accepted by the create form. */
export const flagSpecSchema = z.strictObject(
  {
    key: flagKeySchema,
    description: z.string({ error: "must be text" }).max(1000, "must be at most 1000 characters").default(""),
    owner: z.string({ error: "must be text" }).max(200, "must be at most 200 characters").default(""),
    enabled: z.boolean({ error: "must be true or false" }).default(false),
    rolloutPercentage: percentageSchema.default(0),
    allowlist: allowlistSchema.default([]),
    salt: saltSchema.optional(),
    targeting: targetingSchema.default({ tiers: [], cells: [], regions: [] }),
    schedule: scheduleSchema.default([]),
    requires: requiresSchema,
    guard: flagGuardSchema
      .nullable()
      .default(null)
      .transform((g) => (g ? toFlagGuard(g) : null)),
    /** Absent: not protected (a file is the whole truth of the flags it lists, as for `guard`). */
    protected: z.boolean({ error: "must be true or false" }).optional(),
  },
  {
    error: (iss) =>
      iss.code === "unrecognized_keys" ? `unknown field (allowed: ${FLAG_SPEC_FIELDS.join(", ")})` : "must be a flag mapping",
  },
);

export type FlagSpecInput = z.input<typeof flagSpecSchema>;
export type FlagSpec = z.output<typeof flagSpecSchema>;

/** What exists in the registry, for reference checks the schema alone cannot do. */
export interface FlagRefs {
  /** Customer ids that exist (at least every id the specs mention). */
  customers: ReadonlySet<string>;
  cells: ReadonlySet<string>;
  regions: ReadonlySet<string>;
  /** Service ids of the catalogue (what `requires` may name). */
  services: ReadonlySet<string>;
}

export interface FlagProblem {
  /** Path inside one flag spec, e.g. ["allowlist", 2] or ["schedule", 1, "at"]. */
  path: (string | number)[];
  message: string;
}

/**
 * Unknown customers, cells and regions: the same checks for every entry point. Only references the
 * change adds are checked (`previous`: the flag as stored), so a customer deleted or a cell retired
 * since never blocks an unrelated change — above all not the kill switch.
 */
export function referenceProblems(
  spec: Pick<FlagSpec, "allowlist" | "targeting"> & { requires?: FlagRequires },
  refs: FlagRefs,
  previous?: Pick<FlagSpec, "allowlist" | "targeting"> & { requires?: FlagRequires },
): FlagProblem[] {
  const out: FlagProblem[] = [];
  spec.allowlist.forEach((id, i) => {
    if (!refs.customers.has(id) && !previous?.allowlist.includes(id))
      out.push({ path: ["allowlist", i], message: `unknown customer "${id}" (not in the customers table)` });
  });
  spec.targeting.cells.forEach((id, i) => {
    if (!refs.cells.has(id) && !previous?.targeting.cells.includes(id))
      out.push({ path: ["targeting", "cells", i], message: `unknown cell "${id}"` });
  });
  spec.targeting.regions.forEach((r, i) => {
    if (!refs.regions.has(r) && !previous?.targeting.regions.includes(r))
      out.push({ path: ["targeting", "regions", i], message: `no cell runs in region "${r}"` });
  });
  for (const service of Object.keys(spec.requires ?? {})) {
    if (!refs.services.has(service) && !(service in (previous?.requires ?? {})))
      out.push({ path: ["requires", service], message: `unknown service "${service}" (one of ${[...refs.services].join(", ")})` });
  }
  return out;
}

/** zod issues as flag problems (unknown keys get one problem each, on the key itself). */
export function zodProblems(error: z.ZodError): FlagProblem[] {
  return error.issues.flatMap((i): FlagProblem[] => {
    const path = i.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    if (i.code === "unrecognized_keys") return i.keys.map((k) => ({ path: [...path, k], message: i.message }));
    return [{ path, message: i.message }];
  });
}

/** Dotted field name for a problem path: schedule[1].at, allowlist[0], targeting.tiers[2]. */
export function fieldName(path: (string | number)[]): string {
  return path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), "") || "(flag)";
}

/** Problems as the one door's field errors: { "schedule[1].at": ["not in time order …"] }. */
export function toFieldErrors(problems: FlagProblem[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of problems) (out[fieldName(p.path)] ??= []).push(p.message);
  return out;
}

/** The spec of a stored flag (for export, and as the base a partial change applies to). */
export function specOf(flag: Flag): FlagSpec {
  return {
    key: flag.key,
    description: flag.description,
    owner: flag.owner,
    enabled: flag.enabled,
    rolloutPercentage: flag.rolloutPercentage,
    allowlist: [...flag.allowlist],
    salt: flag.salt,
    targeting: { tiers: [...flag.targeting.tiers], cells: [...flag.targeting.cells], regions: [...flag.targeting.regions] },
    schedule: flag.schedule.map((s) => ({ at: new Date(s.at), percentage: s.percentage })),
    requires: { ...flag.requires },
    guard: flag.guard ? { ...flag.guard, checks: [...flag.guard.checks] } : null,
    protected: flag.protected ?? false,
  };
}

/** A stored guard as written (the input `flagSpecSchema` reads), so a stored spec can be validated again. */
export const guardInput = (g: FlagGuard) => ({
  checks: g.checks.map(checkItem),
  onBreach: g.onBreach,
  watchHandRaised: g.watchHandRaised,
  notify: g.notify,
  watchFor: formatDuration(g.watchForMs).replace(/ /g, ""),
});

/** A spec as input again (schedule times as ISO text, the guard as written): what a patch or a stored request holds. */
export function specInput(spec: FlagSpec): FlagSpecInput {
  return {
    ...spec,
    schedule: spec.schedule.map((s) => ({ at: s.at.toISOString(), percentage: s.percentage })),
    guard: spec.guard ? guardInput(spec.guard) : null,
  };
}

/** JSON with object keys sorted: a guard read back from PostgreSQL's jsonb has its keys in jsonb's order. */
export const canonicalJson = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : x,
  );

type Comparable = Omit<FlagSpec, "schedule"> & { schedule: { at: string; percentage: number }[] };

function comparable(spec: FlagSpec): Comparable {
  return {
    ...spec,
    salt: spec.salt ?? spec.key,
    schedule: spec.schedule.map((s) => ({ at: s.at.toISOString(), percentage: s.percentage })),
    protected: spec.protected ?? false,
  };
}

/**
 * The fields that differ between two specs, as before/after objects for the audit log.
 * Empty objects when nothing changed.
 */
export function specChanges(before: FlagSpec, after: FlagSpec): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const a = comparable(before),
    b = comparable(after);
  const out = { before: {} as Record<string, unknown>, after: {} as Record<string, unknown> };
  for (const k of FLAG_SPEC_FIELDS) {
    if (canonicalJson(a[k]) !== canonicalJson(b[k])) {
      out.before[k] = a[k];
      out.after[k] = b[k];
    }
  }
  return out;
}
