// Chart annotations: a marker for each change on a cell (and service), grouped per chart bucket so
// a busy hour stays readable, coloured by what the ranking would call it. Pure.
import { type ChangeClass, classOf } from "./model";

export interface Marker {
  /** Epoch ms: the start of the chart bucket its changes fall in (where the chart has a point). */
  t: number;
  class: ChangeClass;
  /** What the tooltip says: one line per change (a few at most, the most telling first). */
  label: string;
  count: number;
}

interface Markable {
  at: Date;
  kind: string;
  cell: string | null;
  services: readonly string[];
  summary: string;
}

const ORDER: Record<ChangeClass, number> = { version: 0, flag: 1, other: 2 };
const MAX_LINES = 6;

/**
 * One marker per bucket of `bucketMs` holding changes (on `service` when given: changes naming it or
 * no service), oldest first. The marker sits at its bucket's start, where the chart draws that
 * bucket's point (so the newest bucket's change is not off the axis); the most telling class colours it.
 */
export function changeMarkers(changes: readonly Markable[], bucketMs: number, service?: string): Marker[] {
  const buckets = new Map<number, Markable[]>();
  for (const c of changes) {
    if (service && c.services.length > 0 && !c.services.includes(service)) continue;
    const b = Math.floor(c.at.getTime() / bucketMs) * bucketMs;
    buckets.set(b, [...(buckets.get(b) ?? []), c]);
  }
  return [...buckets.entries()]
    .map(([t, list]) => {
      // Most telling first (versions, then flags, then the rest), oldest first within a class: in a
      // busy bucket the lines cut off are never the version change that explains a spike.
      const sorted = [...list].sort((a, b) => ORDER[classOf(a.kind)] - ORDER[classOf(b.kind)] || a.at.getTime() - b.at.getTime());
      const cls = classOf(sorted[0]!.kind);
      const lines = sorted.slice(0, MAX_LINES).map((c) => `${c.at.toISOString().slice(11, 16)} ${c.kind}: ${c.summary}`);
      if (sorted.length > MAX_LINES) lines.push(`and ${sorted.length - MAX_LINES} more`);
      return { t, class: cls, label: lines.join("\n"), count: sorted.length };
    })
    .sort((a, b) => a.t - b.t);
}
