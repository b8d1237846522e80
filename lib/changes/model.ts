// The plane's change log: what a change is, its kinds, and the one set of filters the API, the
// fleet-wide /changes page and the cell timeline accept. Pure.
import { z } from "zod";

/**
 * Kinds of change, grouped as the ranking sees them. New kinds slot in here (a flag prerequisite
 * change would be a `flag`, a per-cell migration step of a new shape a `migration`).
 */
export const CHANGE_KINDS = [
  "deploy", // a release set a cell's desired version
  "rollback", // a release restored a cell's previous version
  "version", // a cell reported running a new version (observed)
  "flag", // a flag's effect on a cell changed: percentage in force, allowlisted customers, on/off
  "route", // a route at the edge was enabled, deprecated, sunset, re-enabled, added or removed
  "migration", // a schema migration phase started, finished, failed or rolled back on a cell
  "freeze", // a release freeze started, ended or was planned
  "maintenance", // a maintenance window opened, closed, was added or removed
  "registry", // the fleet registry: a cell added, changed or retired
  "settings", // thresholds and other admin settings
  "ack", // an alert acknowledged by on call
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** How a kind reads: its own name, but for an alert's acknowledgement. */
export const KIND_LABELS = Object.fromEntries(CHANGE_KINDS.map((k) => [k, k === "ack" ? "alert ack" : k])) as Record<ChangeKind, string>;

/** What the ranking calls a version change, a flag change, or the rest. */
export type ChangeClass = "version" | "flag" | "other";
export const classOf = (kind: string): ChangeClass =>
  kind === "deploy" || kind === "rollback" || kind === "version" ? "version" : kind === "flag" ? "flag" : "other";

/** A change to record: derived by lib/changes/derive.ts and friends, written by the change store. */
export interface ChangeInput {
  /** When it happened; the audit event's time when derived from one. */
  at: Date;
  kind: ChangeKind;
  /** The cell it affects; null for every cell (the edge, freezes, settings). */
  cell: string | null;
  /** The services it affects; empty for every service of the cell. */
  services: string[];
  summary: string;
  actor: string;
  /** Where to read more: its release, flag, route, migration, or audit events. */
  link: string | null;
  before?: unknown;
  after?: unknown;
  /** The record it was derived from: "audit:12", "deployment:7", "schedule:newVoiceCodec@…". */
  source: string;
}

/** A stored change, as read back. */
export interface Change extends Omit<ChangeInput, "before" | "after"> {
  id: string;
  before: unknown;
  after: unknown;
}

// ---- Filters ---------------------------------------------------------------------------------

export const MAX_PAGE = 500;
export const DEFAULT_PAGE = 100;

const list = (what: string, item: z.ZodType<string>) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v, ctx) => {
      const items = (Array.isArray(v) ? v : v ? [v] : [])
        .flatMap((s) => s.split(","))
        .map((s) => s.trim())
        .filter(Boolean);
      const out: string[] = [];
      for (const s of items) {
        const ok = item.safeParse(s);
        if (!ok.success) ctx.addIssue({ code: "custom", message: `"${s}" is not ${what}` });
        else if (!out.includes(s)) out.push(s);
      }
      return out;
    });

const instant = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (!v) return undefined;
    const ok = z.iso.datetime({ offset: true }).safeParse(v).success || /^\d{4}-\d{2}-\d{2}$/.test(v);
    const d = new Date(v);
    if (!ok || Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: "custom", message: `"${v}" is not a date and time with a zone, such as 2026-12-05T09:00:00Z` });
      return z.NEVER;
    }
    return d;
  });

const idPattern = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,199}$/);

/** The filters of GET /api/v1/changes (query strings; lists may repeat or be comma-separated). */
export const changeQuerySchema = z
  .object({
    cell: list("a cell id", idPattern).describe("cell ids (repeat or comma-separate); changes affecting every cell are included"),
    service: list("a service id", idPattern).describe(
      "service ids; a change that names no service (it affects every service of its cells) is included",
    ),
    kind: list(`a kind (${CHANGE_KINDS.join(", ")})`, z.enum(CHANGE_KINDS)).describe(`kinds: ${CHANGE_KINDS.join(", ")}`),
    tier: list("a tier", z.enum(["canary", "smb", "enterprise"])).describe("only cells of these tiers (and changes to every cell)"),
    region: list("a region", idPattern).describe("only cells in these regions (and changes to every cell)"),
    actor: z.string().trim().max(200).optional().describe("who made the change: exact, e.g. release@cellplane.local or system:ticker"),
    since: instant.describe("from this instant (inclusive), ISO 8601 with a zone"),
    until: instant.describe("before this instant (exclusive)"),
    limit: z.coerce
      .number({ error: `a whole number from 1 to ${MAX_PAGE}` })
      .int(`a whole number from 1 to ${MAX_PAGE}`)
      .min(1, `a whole number from 1 to ${MAX_PAGE}`)
      .max(MAX_PAGE, `at most ${MAX_PAGE}`)
      .optional()
      .describe(`page size (default ${DEFAULT_PAGE}, at most ${MAX_PAGE})`),
    cursor: z
      .string()
      .optional()
      .describe("the `nextCursor` of the previous page")
      .transform((v, ctx) => {
        if (!v) return undefined;
        const c = decodeCursor(v);
        if (!c) {
          ctx.addIssue({ code: "custom", message: "not a cursor this API returned" });
          return z.NEVER;
        }
        return c;
      }),
  })
  .refine((q) => !q.since || !q.until || q.since < q.until, { message: "since must be before until", path: ["until"] });

export type ChangeQuery = z.output<typeof changeQuerySchema>;

/** The filter the store runs. */
export interface ChangeFilter {
  cells: string[];
  services: string[];
  kinds: ChangeKind[];
  tiers: string[];
  regions: string[];
  actor?: string;
  since?: Date;
  until?: Date;
  limit: number;
  cursor?: Cursor;
}

export const toFilter = (q: ChangeQuery): ChangeFilter => ({
  cells: q.cell,
  services: q.service,
  kinds: q.kind as ChangeKind[],
  tiers: q.tier,
  regions: q.region,
  actor: q.actor || undefined,
  since: q.since,
  until: q.until,
  limit: q.limit ?? DEFAULT_PAGE,
  cursor: q.cursor,
});

/** Keyset pagination: the last row of a page, newest first. */
export interface Cursor {
  at: Date;
  id: string;
}

export const encodeCursor = (c: Cursor): string => `${c.at.getTime()}.${c.id}`;

export function decodeCursor(s: string): Cursor | null {
  const m = /^(\d{1,15})\.(\d{1,19})$/.exec(s);
  if (!m) return null;
  const at = new Date(Number(m[1]));
  return Number.isNaN(at.getTime()) ? null : { at, id: m[2]! };
}

/** Search params (a page's `searchParams`) as the query schema's input. */
export function fromSearchParams(sp: Record<string, string | string[] | undefined> | URLSearchParams): Record<string, unknown> {
  const out: Record<string, string | string[]> = {};
  const entries = sp instanceof URLSearchParams ? [...sp.entries()] : Object.entries(sp);
  for (const [k, v] of entries) {
    if (v === undefined) continue;
    const prev = out[k];
    out[k] = prev === undefined ? v : ([] as string[]).concat(prev, v);
  }
  return out;
}

// ---- Presenting ------------------------------------------------------------------------------

/** "sms, voice" or "all services". */
export const servicesText = (services: string[]) => (services.length ? services.join(", ") : "all services");

/** Where a change applies: "smb-us-1", or "every cell". */
export const cellText = (cell: string | null) => cell ?? "every cell";

/**
 * Consecutive rows derived from one record (a flag change on 12 cells, a deploy to a wave) shown as
 * one entry with its cells.
 */
export function groupBySource<T extends { source: string; kind: string; summary: string; cell: string | null }>(
  rows: T[],
): { first: T; cells: string[]; rows: T[] }[] {
  const out: { first: T; cells: string[]; rows: T[] }[] = [];
  for (const r of rows) {
    const last = out[out.length - 1];
    if (last && last.first.source === r.source && last.first.kind === r.kind && last.first.summary === r.summary) {
      last.rows.push(r);
      if (r.cell && !last.cells.includes(r.cell)) last.cells.push(r.cell);
      continue;
    }
    out.push({ first: r, cells: r.cell ? [r.cell] : [], rows: [r] });
  }
  return out;
}

// ---- The /changes page's time range --------------------------------------------------------

export const RANGES = {
  "1h": 3600_000,
  "6h": 6 * 3600_000,
  "24h": 24 * 3600_000,
  "7d": 7 * 24 * 3600_000,
  "30d": 30 * 24 * 3600_000,
} as const;
export type Range = keyof typeof RANGES;
export const DEFAULT_RANGE: Range = "24h";

/** A page's `range` preset ("24h" by default); explicit `since`/`until` win over it. */
export function rangeOf(v: string | string[] | undefined): Range {
  const r = Array.isArray(v) ? v[0] : v;
  return r && r in RANGES ? (r as Range) : DEFAULT_RANGE;
}
