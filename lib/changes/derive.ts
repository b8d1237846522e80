// Changes derived from audit events: every change made through the door becomes one change per
// cell it affects (or one for every cell). Pure: the server side reads what an event alone does
// not say (a deploy's previous versions, a route's service, a window's cells) into `DeriveContext`.
// Flag events are derived from the flag's state per cell instead (flag-states.ts).
import type { AuditInput } from "@/lib/audit/events";
import type { ChangeInput } from "./model";

/** An audit event as written (with its id, time and actor). */
export interface AuditRecord extends Omit<AuditInput, "actor"> {
  id: string;
  at: Date;
  actor: string;
}

export interface DeriveContext {
  /** cell → service → the version it reported running when a deploy or rollback was decided. */
  observed: Record<string, Record<string, string | null>>;
  /** Route key ("POST /v2/Calls") → the service behind it. */
  routeServices: Record<string, string>;
  /** Maintenance window scope ("tier:smb" or a cell id) → the live cells it covers. */
  scopeCells: Record<string, string[]>;
}

/** What `deriveFromAudit` needs read for these events. */
export interface ContextNeeds {
  deployCells: string[];
  routes: string[];
  scopes: string[];
  /** Flags whose state per cell must be compared (flag-states.ts). */
  flags: string[];
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

const isFlagEvent = (e: AuditRecord) => e.targetType === "flag" && e.action.startsWith("flag.");

export function contextNeeds(events: AuditRecord[]): ContextNeeds {
  const needs: ContextNeeds = { deployCells: [], routes: [], scopes: [], flags: [] };
  const add = (list: string[], ...xs: string[]) => {
    for (const x of xs) if (!list.includes(x)) list.push(x);
  };
  for (const e of events) {
    if (e.action === "release.deploy") add(needs.deployCells, ...strings(obj(e.after).cells));
    else if (e.action === "release.rollback") add(needs.deployCells, ...Object.keys(obj(obj(e.after).restore)));
    else if (e.targetType === "route") add(needs.routes, e.targetId);
    else if (e.action.startsWith("maintenance_window.")) {
      const scope = str(obj(e.after).scope) ?? str(obj(e.before).scope);
      if (scope) add(needs.scopes, scope);
    } else if (isFlagEvent(e)) add(needs.flags, e.targetId);
  }
  return needs;
}

type Deriver = (e: AuditRecord, ctx: DeriveContext) => ChangeInput[];

const base = (e: AuditRecord, link: string | null) => ({ at: e.at, actor: e.actor, link, source: `audit:${e.id}` });
const auditLink = (type: string, id: string) => `/audit?targetType=${encodeURIComponent(type)}&targetId=${encodeURIComponent(id)}`;

const deploy: Deriver = (e, ctx) => {
  const a = obj(e.after);
  const wave = str(a.wave) ?? "?";
  const versions = obj(a.versions);
  return strings(a.cells).flatMap((cell) =>
    Object.entries(versions).map(([service, version]) => ({
      ...base(e, `/releases/${e.targetId}`),
      kind: "deploy" as const,
      cell,
      services: [service],
      summary: `${service} → ${String(version)} (release ${e.targetId}, wave ${wave})`,
      before: { version: ctx.observed[cell]?.[service] ?? null },
      after: { version, release: e.targetId, wave },
    })),
  );
};

const rollback: Deriver = (e, ctx) => {
  const a = obj(e.after);
  const wave = str(a.wave) ?? "?";
  return Object.entries(obj(a.restore)).flatMap(([cell, perService]) =>
    Object.entries(obj(perService))
      .filter(([, v]) => typeof v === "string")
      .map(([service, version]) => ({
        ...base(e, `/releases/${e.targetId}`),
        kind: "rollback" as const,
        cell,
        services: [service],
        summary: `${service} rolled back to ${String(version)} (release ${e.targetId}, wave ${wave})`,
        before: { version: ctx.observed[cell]?.[service] ?? null },
        after: { version, release: e.targetId, wave },
      })),
  );
};

const ROUTE_VERBS: Record<string, string> = {
  "route.create": "added to the route table",
  "route.delete": "removed from the route table",
  "route.update": "changed by an import",
  "route.enable": "enabled at the edge",
  "route.enable.forced": "enabled at the edge past the readiness gate",
  "route.deprecate": "deprecated",
  "route.deprecation.update": "deprecation notice updated",
  "route.sunset": "sunset (410 Gone)",
  "route.reenable": "re-enabled",
};

const route: Deriver = (e, ctx) => {
  const verb = ROUTE_VERBS[e.action];
  if (!verb) return [];
  const from = str(obj(e.before).status);
  const to = str(obj(e.after).status);
  const [method, ...path] = e.targetId.split(" ");
  const service = ctx.routeServices[e.targetId] ?? str(obj(e.after).service) ?? str(obj(e.before).service);
  return [
    {
      ...base(e, method && path.length ? `/gateway/routes/${method}${path.join(" ")}` : "/gateway"),
      kind: "route",
      cell: null,
      services: service ? [service] : [],
      summary: `${e.targetId} ${verb}${from && to && from !== to ? ` (${from} → ${to})` : ""}`,
      before: from ? { status: from } : null,
      after: to ? { status: to } : null,
    },
  ];
};

function fieldChanges(before: Obj, after: Obj): string {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  );
  const show = (v: unknown) => (v === undefined || v === null ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v));
  return keys
    .slice(0, 4)
    .map((k) => `${k} ${show(before[k])} → ${show(after[k])}`)
    .concat(keys.length > 4 ? [`+${keys.length - 4} more`] : [])
    .join(", ");
}

const registry: Deriver = (e) => {
  const a = obj(e.after);
  const summary =
    e.action === "cell.create"
      ? `cell added (${str(a.tier) ?? "?"}, ${str(a.region) ?? "?"})`
      : e.action === "cell.retire"
        ? "cell retired"
        : `cell changed: ${fieldChanges(obj(e.before), a) || "no field"}`;
  return [
    {
      ...base(e, auditLink("cell", e.targetId)),
      kind: "registry",
      cell: e.targetId,
      services: [],
      summary,
      before: e.before ?? null,
      after: e.after ?? null,
    },
  ];
};

const setting: Deriver = (e) => [
  {
    ...base(e, auditLink("setting", e.targetId)),
    kind: "settings",
    cell: null,
    services: [],
    summary: `setting ${e.targetId}: ${fieldChanges(flatten(obj(e.before)), flatten(obj(e.after))) || "saved unchanged"}`,
    before: e.before ?? null,
    after: e.after ?? null,
  },
];

/** Nested objects as dotted keys, so a threshold change reads "red.errorRate 0.01 → 0.02". */
function flatten(o: Obj, prefix = ""): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    if (v && typeof v === "object" && !Array.isArray(v)) Object.assign(out, flatten(v as Obj, `${prefix}${k}.`));
    else out[`${prefix}${k}`] = v;
  }
  return out;
}

const date = (v: unknown): Date | null => {
  const d = typeof v === "string" || v instanceof Date ? new Date(v) : null;
  return d && !Number.isNaN(d.getTime()) ? d : null;
};
const hhmm = (d: Date) => d.toISOString().slice(0, 16).replace("T", " ");

const freeze: Deriver = (e) => {
  const a = obj(e.after);
  // A freeze stops every release: it affects every cell and service.
  const everywhere = { ...base(e, "/settings"), kind: "freeze" as const, cell: null, services: [] };
  if (e.action === "freeze.create") {
    const from = date(a.startsAt),
      to = date(a.endsAt);
    if (!from || !to) return [];
    const inForce = from.getTime() <= e.at.getTime();
    return [
      {
        ...everywhere,
        summary: `${inForce ? "freeze in force" : "freeze planned"} ${hhmm(from)} → ${hhmm(to)} UTC: ${str(a.reason) ?? ""}`.trim(),
        after: { startsAt: from.toISOString(), endsAt: to.toISOString(), reason: a.reason ?? null },
        // A freeze in force at once is its start: the projector then finds it already recorded.
        source: inForce ? `freeze:${e.targetId}:start` : `audit:${e.id}`,
      },
    ];
  }
  if (e.action === "freeze.end") {
    const end = date(a.endsAt);
    if (!end) return [];
    const now = end.getTime() <= e.at.getTime();
    return [
      {
        ...everywhere,
        summary: now ? "freeze ended early" : "planned freeze cancelled",
        before: { endsAt: obj(e.before).endsAt ?? null },
        after: { endsAt: end.toISOString() },
        source: now ? `freeze:${e.targetId}:end` : `audit:${e.id}`,
      },
    ];
  }
  return [];
};

const WEEKDAYS = ["", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const two = (n: number) => String(n).padStart(2, "0");

const maintenanceWindow: Deriver = (e, ctx) => {
  const added = e.action === "maintenance_window.create";
  const w = obj(added ? e.after : e.before);
  const scope = str(w.scope);
  if (!scope) return [];
  const start =
    typeof w.start === "string"
      ? w.start
      : typeof w.startMinute === "number"
        ? `${two(Math.floor(w.startMinute / 60))}:${two(w.startMinute % 60)}`
        : "?";
  const when = `${WEEKDAYS[Number(w.weekday)] ?? "?"} ${start} local, ${String(w.durationMin)} min`;
  return (ctx.scopeCells[scope] ?? []).map((cell) => ({
    ...base(e, "/settings"),
    kind: "maintenance" as const,
    cell,
    services: [],
    summary: `maintenance window ${added ? "added" : "removed"} (${scope}): ${when}`,
    before: added ? null : w,
    after: added ? w : null,
  }));
};

const ack: Deriver = (e) => {
  const a = obj(e.after);
  return strings(a.cells).map((cell) => ({
    ...base(e, "/alerts"),
    kind: "ack" as const,
    cell,
    services: [],
    summary: `${e.targetId} acknowledged: “${str(a.comment) ?? ""}”`,
    after: { alerts: a.alerts ?? null, comment: a.comment ?? null },
  }));
};

const DERIVERS: { match: (e: AuditRecord) => boolean; derive: Deriver }[] = [
  { match: (e) => e.action === "release.deploy", derive: deploy },
  { match: (e) => e.action === "release.rollback", derive: rollback },
  { match: (e) => e.targetType === "route", derive: route },
  { match: (e) => e.targetType === "cell" && e.action.startsWith("cell."), derive: registry },
  { match: (e) => e.action === "setting.update", derive: setting },
  { match: (e) => e.action.startsWith("freeze."), derive: freeze },
  { match: (e) => e.action.startsWith("maintenance_window."), derive: maintenanceWindow },
  { match: (e) => e.action === "alert.acknowledge", derive: ack },
];

/** The changes an audit event stands for (none for events that change no cell: imports' summaries, tokens, users…). */
export function deriveFromAudit(e: AuditRecord, ctx: DeriveContext): ChangeInput[] {
  return DERIVERS.find((d) => d.match(e))?.derive(e, ctx) ?? [];
}

/** Whether any of these events may stand for a change (so the server reads nothing otherwise). */
export const mayChange = (events: AuditRecord[]) => events.some((e) => isFlagEvent(e) || DERIVERS.some((d) => d.match(e)));
