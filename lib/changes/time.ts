// Changes nobody clicks: time passing. Freezes start and end, maintenance windows open and close in
// each cell's local time. The projector asks for those in (from, to] on every pass; each has a
// stable source, so asking twice records them once. Pure.
import { DateTime } from "luxon";
import { zoneOf } from "@/lib/rollouts/windows";
import type { CellRef } from "./flag-states";
import type { ChangeInput } from "./model";

export const TIME_ACTOR = "system:clock";

export interface FreezeRow {
  id: string;
  startsAt: Date;
  endsAt: Date;
  reason: string;
  createdAt: Date;
}

const within = (t: Date, from: Date, to: Date) => t.getTime() > from.getTime() && t.getTime() <= to.getTime();
const hhmm = (d: Date) => d.toISOString().slice(0, 16).replace("T", " ");

/** Freezes starting (when planned ahead) and ending in (from, to]. */
export function freezeBoundaries(freezes: readonly FreezeRow[], from: Date, to: Date): ChangeInput[] {
  const out: ChangeInput[] = [];
  for (const f of freezes) {
    const common = { kind: "freeze" as const, cell: null, services: [], actor: TIME_ACTOR, link: "/settings" };
    // A freeze created already in force was recorded as started by its creation.
    if (within(f.startsAt, from, to) && f.createdAt.getTime() < f.startsAt.getTime()) {
      out.push({
        ...common,
        at: f.startsAt,
        summary: `freeze started (until ${hhmm(f.endsAt)} UTC): ${f.reason}`,
        after: { startsAt: f.startsAt.toISOString(), endsAt: f.endsAt.toISOString(), reason: f.reason },
        source: `freeze:${f.id}:start`,
      });
    }
    if (within(f.endsAt, from, to) && f.endsAt.getTime() > f.startsAt.getTime()) {
      out.push({
        ...common,
        at: f.endsAt,
        summary: `freeze ended: ${f.reason}`,
        before: { reason: f.reason },
        source: `freeze:${f.id}:end`,
      });
    }
  }
  return out;
}

export interface WindowRow {
  id: string;
  /** A cell id or `tier:<tier>`. */
  scope: string;
  weekday: number;
  startMinute: number;
  durationMin: number;
}

/** The window's occurrences (in `zone`) that open or close in (from, to]. */
export function occurrences(w: WindowRow, zone: string, from: Date, to: Date): { start: Date; end: Date }[] {
  const out: { start: Date; end: Date }[] = [];
  // Weeks from the one before `from` (a window may run past midnight into `from`) to the one of `to`.
  let week = DateTime.fromJSDate(from, { zone }).startOf("week").minus({ weeks: 1 });
  const last = DateTime.fromJSDate(to, { zone }).startOf("week");
  while (week <= last) {
    const start = week.plus({ days: w.weekday - 1, minutes: w.startMinute });
    const s = start.toJSDate(),
      e = start.plus({ minutes: w.durationMin }).toJSDate();
    if (within(s, from, to) || within(e, from, to)) out.push({ start: s, end: e });
    week = week.plus({ weeks: 1 });
  }
  return out;
}

const covers = (scope: string, cell: CellRef) => scope === cell.id || scope === `tier:${cell.tier}`;

/** Maintenance windows opening and closing on live cells in (from, to], one change per cell. */
export function windowBoundaries(windows: readonly WindowRow[], cells: readonly CellRef[], from: Date, to: Date): ChangeInput[] {
  const out: ChangeInput[] = [];
  for (const w of windows) {
    for (const cell of cells.filter((c) => covers(w.scope, c))) {
      for (const o of occurrences(w, zoneOf(cell.region), from, to)) {
        const common = { kind: "maintenance" as const, cell: cell.id, services: [], actor: TIME_ACTOR, link: "/settings" };
        const key = `window:${w.id}@${o.start.toISOString()}`;
        if (within(o.start, from, to))
          out.push({ ...common, at: o.start, summary: `maintenance window opened (until ${hhmm(o.end)} UTC)`, source: `${key}:open` });
        if (within(o.end, from, to)) out.push({ ...common, at: o.end, summary: "maintenance window closed", source: `${key}:close` });
      }
    }
  }
  return out;
}
