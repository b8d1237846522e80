// The change log as a list: newest first, rows of one change (a deploy to a wave, a flag change on
// twelve cells) folded into one entry with its cells. Each entry links to its release, flag, route,
// migration or audit events.
import { type Change, groupBySource } from "@/lib/changes/model";
import { type ChangeRow, ChangeRows } from "./change-rows";

export { KindBadge } from "./kind-badge";

/** `showCells`: the fleet-wide list names the cells; a cell's own timeline does not repeat them. */
export function ChangeList({
  changes,
  showCells = true,
  empty,
  testId = "change-list",
}: {
  changes: Change[];
  showCells?: boolean;
  empty: string;
  testId?: string;
}) {
  const groups = groupBySource(changes);
  if (groups.length === 0) return <p className="py-6 text-center text-sm text-slate-500">{empty}</p>;
  const rows: ChangeRow[] = groups.map(({ first, cells }) => ({
    id: first.id,
    at: first.at.toISOString(),
    kind: first.kind,
    summary: first.summary,
    link: first.link,
    services: first.services,
    actor: first.actor,
    cells: showCells ? cells : [],
    fleetWide: first.cell === null,
  }));
  return <ChangeRows rows={rows} testId={testId} />;
}
