// The blast radius of a change about to be made: the cells and customers it reaches (enterprise
// customers by name), and as warnings the freezes and maintenance windows in effect on those cells
// and whatever else is in flight there (a release, a flag ramp, a migration phase). The confirming
// click sends back the warnings it was shown; the server computes them again, refuses when one is
// new, and records what was shown in the audit log. Pure.
import { FREEZE_COVERS, freezeText } from "@/lib/settings/freezes";
import { z } from "zod";

/** What is about to change. */
export const blastTargetSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("release"),
    pipeline: z.string().min(1).max(200),
    versions: z.record(z.string().max(100), z.string().max(100)),
  }),
  z.object({ kind: z.literal("flag"), key: z.string().min(1).max(100), percentage: z.number().int().min(0).max(100) }),
  z.object({
    kind: z.literal("route"),
    route: z.string().min(1).max(300),
    action: z.enum(["enable", "deprecate", "sunset", "reenable"]),
  }),
  z.object({ kind: z.literal("migration"), id: z.string().min(1).max(200), phase: z.number().int().min(0), step: z.number().int().min(0) }),
  z.object({ kind: z.literal("fleet"), yaml: z.string().min(1).max(1_000_000) }),
]);
export type BlastTarget = z.output<typeof blastTargetSchema>;

/**
 * The warnings a confirming click was shown: their keys, as a list or as the JSON text of a hidden
 * form field. Absent: the caller showed no preview (the HTTP API, the CLI); nothing is checked.
 */
export const seenWarningsField = z
  .union([
    z.array(z.string().max(300)).max(500),
    z
      .string()
      .max(100_000)
      .transform((s, ctx) => {
        try {
          const v = JSON.parse(s);
          if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
        } catch {}
        ctx.addIssue({ code: "custom", message: "the warnings shown, as a JSON list of their keys" });
        return z.NEVER;
      }),
  ])
  .optional();

export interface BlastCell {
  id: string;
  tier: string;
  region: string;
}

export interface BlastCustomer {
  id: string;
  name: string;
  plan: string;
  cell: string;
}

export interface InFlight {
  releases: { id: string; title: string; status: string; cells: string[] }[];
  ramps: { key: string; next: { at: Date; percentage: number }; cells: string[] }[];
  migrations: { id: string; status: string; phase: string | null; cells: string[] }[];
}

export interface BlastFacts {
  /** The cells the change reaches. */
  cells: BlastCell[];
  /** The customers it reaches (homed in those cells, or for a flag those whose evaluation changes). */
  customers: BlastCustomer[];
  /** Freezes in force now. */
  freezes: { id: string; endsAt: Date; reason: string }[];
  /** Maintenance window occurrences open now on the cells. */
  windows: { id: string; scope: string; cells: string[]; end: Date }[];
  inFlight: InFlight;
  /** The thing being changed, so it does not warn about itself. */
  self?: { release?: string; flag?: string; migration?: string };
}

export interface BlastWarning {
  /** Stable while the situation lasts: "release:rel-…", "freeze:3", "window:2", "ramp:newVoiceCodec", "migration:m1". */
  key: string;
  kind: "freeze" | "window" | "release" | "ramp" | "migration";
  message: string;
}

export interface BlastRadius {
  cells: string[];
  tiers: Record<string, number>;
  customers: { total: number; enterprise: { id: string; name: string; cell: string }[] };
  warnings: BlastWarning[];
}

const hhmm = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

function some(cells: string[], max = 4): string {
  return cells.length <= max ? cells.join(", ") : `${cells.slice(0, max).join(", ")} and ${cells.length - max} more`;
}

const overlap = (a: readonly string[], b: ReadonlySet<string>) => a.filter((c) => b.has(c));

/** What a warning about something in flight says, given the reached cells it is on. */
type InFlightText<T> = (item: T, on: string[], reach: ReadonlySet<string>) => string;

const releaseText: InFlightText<InFlight["releases"][number]> = (r, on) =>
  `Release ${r.id} (${r.title}, ${r.status.replace("_", " ")}) is already in flight on ${some(on)}.`;
const rampText: InFlightText<InFlight["ramps"][number]> = (r, on, reach) =>
  `Flag ${r.key} is ramping on ${on.length === reach.size ? "these cells" : some(on)} (next step: ${r.next.percentage}% at ${hhmm(r.next.at)}).`;
const migrationText: InFlightText<InFlight["migrations"][number]> = (m, on) =>
  `Migration ${m.id} is ${m.status.replace("_", " ")}${m.phase ? ` in phase ${m.phase}` : ""} on ${some(on)}.`;

/** What is in flight on some of the reached cells, but the change itself: a warning each. */
function inFlightWarnings(f: BlastFacts, reach: ReadonlySet<string>): BlastWarning[] {
  const self = f.self ?? {};
  const warn = <T extends { cells: string[] }>(
    kind: BlastWarning["kind"],
    items: readonly T[],
    id: (item: T) => string,
    selfId: string | undefined,
    text: InFlightText<T>,
  ) =>
    items.flatMap((item) => {
      const on = overlap(item.cells, reach);
      return on.length && id(item) !== selfId ? [{ key: `${kind}:${id(item)}`, kind, message: text(item, on, reach) }] : [];
    });
  return [
    ...warn("release", f.inFlight.releases, (r) => r.id, self.release, releaseText),
    ...warn("ramp", f.inFlight.ramps, (r) => r.key, self.flag, rampText),
    ...warn("migration", f.inFlight.migrations, (m) => m.id, self.migration, migrationText),
  ];
}

export function blastRadius(f: BlastFacts): BlastRadius {
  const reach = new Set(f.cells.map((c) => c.id));
  const tiers: Record<string, number> = {};
  for (const c of f.cells) tiers[c.tier] = (tiers[c.tier] ?? 0) + 1;
  const warnings: BlastWarning[] = [];
  if (reach.size > 0) {
    for (const z of f.freezes)
      warnings.push({
        key: `freeze:${z.id}`,
        kind: "freeze",
        message: `A ${freezeText(z)} is in force: ${FREEZE_COVERS}.`,
      });
    for (const w of f.windows) {
      const on = overlap(w.cells, reach);
      if (on.length)
        warnings.push({
          key: `window:${w.id}`,
          kind: "window",
          message: `A maintenance window (${w.scope}) is open on ${some(on)} until ${hhmm(w.end)}.`,
        });
    }
    warnings.push(...inFlightWarnings(f, reach));
  }
  const enterprise = f.customers
    .filter((c) => c.plan === "enterprise")
    .map((c) => ({ id: c.id, name: c.name, cell: c.cell }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    cells: [...reach].sort((a, b) => a.localeCompare(b, "en", { numeric: true })),
    tiers,
    customers: { total: f.customers.length, enterprise },
    warnings,
  };
}

/** The warnings not among those shown (empty: the click saw everything there is to see). */
export const unseen = (radius: BlastRadius, seen: readonly string[]) => radius.warnings.filter((w) => !seen.includes(w.key));

/** What the audit event of a confirming click records. */
export function confirmation(radius: BlastRadius, seen: readonly string[]) {
  return {
    warningsShown: radius.warnings.map((w) => ({ key: w.key, message: w.message })),
    seen: [...seen],
    cells: radius.cells.length,
    tiers: radius.tiers,
    customers: radius.customers.total,
    enterprise: radius.customers.enterprise.map((c) => c.name),
  };
}
