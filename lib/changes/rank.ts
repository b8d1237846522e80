// "What changed?" before an alert: the changes on the affected cells in the window before it began,
// most likely cause first. Pure.
import { type ChangeClass, classOf } from "./model";

/** The one-line explanation shown with every ranked list. */
export const RANKING_RULE =
  "Most likely first: changes on the same cell and service, then version changes, then flags, then the rest — newest first within each.";

export const DEFAULT_WINDOW_MIN = 30;
export const WINDOW_CHOICES_MIN = [15, 30, 60, 120, 240, 720] as const;

/** The window's length from a `changesWindow` parameter (minutes); the default when absent or not offered. */
export function windowMinutes(v: string | string[] | undefined): number {
  const n = Number(Array.isArray(v) ? v[0] : v);
  return (WINDOW_CHOICES_MIN as readonly number[]).includes(n) ? n : DEFAULT_WINDOW_MIN;
}

/** What went wrong, and where: the cells and services of an alert group, a red service, a failed wave. */
export interface Focus {
  cells: readonly string[];
  /** Empty: any service. */
  services: readonly string[];
}

interface Rankable {
  at: Date;
  kind: string;
  cell: string | null;
  services: readonly string[];
}

export interface Ranked<T> {
  change: T;
  /** On one of the focus cells, and on one of its services (or on every service of the cell). */
  sameCellAndService: boolean;
  class: ChangeClass;
  /** Why it is where it is, in a few words: "same cell and service · version change". */
  why: string;
}

const CLASS_ORDER: Record<ChangeClass, number> = { version: 0, flag: 1, other: 2 };
const CLASS_WORDS: Record<ChangeClass, string> = { version: "version change", flag: "flag change", other: "other change" };

export function sameCellAndService(c: Rankable, focus: Focus): boolean {
  if (c.cell === null || !focus.cells.includes(c.cell)) return false;
  return focus.services.length === 0 || c.services.length === 0 || c.services.some((s) => focus.services.includes(s));
}

/** The changes ranked by the rule above (a stable order: ties keep their newest-first order). */
export function rankChanges<T extends Rankable>(changes: readonly T[], focus: Focus): Ranked<T>[] {
  return changes
    .map((change) => {
      const same = sameCellAndService(change, focus);
      const cls = classOf(change.kind);
      const where = same
        ? "same cell and service"
        : change.cell === null
          ? "every cell"
          : focus.cells.includes(change.cell)
            ? "same cell"
            : "other cell";
      return { change, sameCellAndService: same, class: cls, why: `${where} · ${CLASS_WORDS[cls]}` };
    })
    .sort(
      (a, b) =>
        Number(b.sameCellAndService) - Number(a.sameCellAndService) ||
        CLASS_ORDER[a.class] - CLASS_ORDER[b.class] ||
        b.change.at.getTime() - a.change.at.getTime(),
    );
}

/** The window before `start`: [start − minutes, start]. */
export const windowBefore = (start: Date, minutes: number) => ({ since: new Date(start.getTime() - minutes * 60_000), until: start });

/** A ranked list as plain text lines (notifications). */
export function rankedLines(ranked: readonly Ranked<{ at: Date; cell: string | null; summary: string }>[], max = 10): string[] {
  const lines = ranked
    .slice(0, max)
    .map((r, i) => `${i + 1}. ${r.change.at.toISOString().slice(11, 19)}Z ${r.change.cell ?? "every cell"}: ${r.change.summary}`);
  if (ranked.length > max) lines.push(`… and ${ranked.length - max} more`);
  return lines;
}
