// The gate model: something waiting for a person's decision — what waits, for whom, since when,
// and what it unblocks. Every kind of gate (release gates, migration steps and flag change requests;
// policy changes later) is described by the same `Gate`, built by one adapter per kind
// (lib/approvals/kinds.ts) from what its domain stores. The inbox (`buildInbox`) then sorts them,
// adds the customers they touch and says, per viewer, who may decide and why not.
import { z } from "zod";
import type { Principal } from "@/lib/auth/roles";
import { type HomedCustomer, isEnterpriseCustomer } from "@/lib/fleet/consequences";
import { FLAG_CHANGE, type GateNoun, gateVerdict, MIGRATION_STEP, RELEASE_GATE } from "./four-eyes";

export const GATE_KINDS = ["release", "migration", "flag"] as const;
export type GateKind = (typeof GATE_KINDS)[number];

/** What each kind's gates are called and who decides them, for the four-eyes rule and its messages. */
export const GATE_NOUNS: Record<GateKind, GateNoun> = { release: RELEASE_GATE, migration: MIGRATION_STEP, flag: FLAG_CHANGE };

/** What a decision on a gate names, for its kind's server actions. */
export const gateRefSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("release"), id: z.string(), wave: z.number().int() }),
  z.object({ kind: z.literal("migration"), id: z.string(), phase: z.number().int(), step: z.number().int() }),
  /** A flag change request, by its number. */
  z.object({ kind: z.literal("flag"), id: z.string() }),
]);
export type GateRef = z.infer<typeof gateRefSchema>;

export const gateSchema = z.object({
  /** Stable identity, e.g. `release:rel-20260101-abc123:3`. */
  key: z.string(),
  kind: z.enum(GATE_KINDS),
  /** What the gate stands in front of: the release, the migration. */
  subject: z.object({ id: z.string(), title: z.string(), href: z.string() }),
  /** Where in it: the wave, the phase and step. */
  step: z.string(),
  /** What approving lets happen, in words (versions, the script). */
  change: z.string(),
  /** The cells it unblocks. */
  cells: z.array(z.string()),
  /** Who asked for it (started the release or migration): excluded by four-eyes. */
  requestedBy: z.string().nullable(),
  /** Since when it waits (ISO 8601). */
  since: z.string(),
  /** Approving cannot be undone (the contract step). */
  irreversible: z.boolean(),
  /** Text the decider must type to approve (the migration id), or null. */
  confirm: z.string().nullable(),
  /** Who is told it waits (a pipeline's notify target), if anyone. */
  notify: z.string().nullable(),
  /** A gate of something another gate's subject started: a migration phase's release. */
  partOf: z.object({ kind: z.enum(GATE_KINDS), id: z.string(), href: z.string(), step: z.string() }).nullable(),
  ref: gateRefSchema,
  /** What approving changes, field by field (flag change requests), when the kind has such a diff. */
  diff: z.array(z.object({ field: z.string(), before: z.string(), after: z.string() })).optional(),
  /** Why approving can no longer succeed (the flag changed since the request): it can only be rejected. */
  stale: z.string().optional(),
});
export type Gate = z.infer<typeof gateSchema>;

/** A customer homed in a cell, as the inbox needs it (the same as a destructive step's consequences). */
export type { HomedCustomer };

const customerView = z.object({ id: z.string(), name: z.string(), cell: z.string() });

export const inboxGateSchema = gateSchema.extend({
  customers: z.object({
    /** Every customer homed in the gate's cells. */
    total: z.number().int(),
    /** Enterprise customers among them (an enterprise plan, or homed in an enterprise cell). */
    enterprise: z.array(customerView),
  }),
  /** Whether the viewer may decide it, and if not, why (in the second person). */
  decidable: z.boolean(),
  whyNot: z.string().nullable(),
  /** Who four-eyes excludes, and why, in words; null when nobody has asked yet. */
  excluded: z.string().nullable(),
});
export type InboxGate = z.infer<typeof inboxGateSchema>;

export const inboxSchema = z.object({
  generatedAt: z.string(),
  /** Every waiting gate, oldest first. */
  gates: z.array(inboxGateSchema),
  /** How many wait, and how many of them the viewer may decide (the navigation's badge). */
  waiting: z.number().int(),
  yours: z.number().int(),
});
export type Inbox = z.infer<typeof inboxSchema>;

/** The inbox as `viewer` sees it: oldest first, with customers touched and who may decide. */
export function buildInbox(gates: Gate[], customers: HomedCustomer[], viewer: Principal, now: Date): Inbox {
  const byCell = new Map<string, HomedCustomer[]>();
  for (const c of customers) byCell.set(c.cell, [...(byCell.get(c.cell) ?? []), c]);
  const list = [...gates]
    .sort((a, b) => a.since.localeCompare(b.since) || a.key.localeCompare(b.key))
    .map((g): InboxGate => {
      const homed = g.cells.flatMap((cell) => byCell.get(cell) ?? []);
      const what = GATE_NOUNS[g.kind];
      const verdict = gateVerdict(viewer, g, what);
      return {
        ...g,
        customers: {
          total: homed.length,
          enterprise: homed.filter(isEnterpriseCustomer).map((c) => ({ id: c.id, name: c.name, cell: c.cell })),
        },
        decidable: verdict.ok,
        whyNot: verdict.ok ? null : verdict.message,
        excluded: g.requestedBy ? `${g.requestedBy} (${what.asked} this ${what.noun})` : null,
      };
    });
  return {
    generatedAt: now.toISOString(),
    gates: list,
    waiting: list.length,
    yours: list.filter((g) => g.decidable).length,
  };
}
