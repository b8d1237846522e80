// The change log as a list: newest first, rows of one change (a deploy to a wave, a flag change on
// twelve cells) folded into one entry with its cells. Each entry links to its release, flag, route,
// migration or audit events.
import Link from "next/link";
import { type Change, groupBySource } from "@/lib/changes/model";
import { plural } from "@/lib/format";
import { type ChangeRow, ChangeRows } from "./change-rows";

export { KindBadge } from "./kind-badge";

/**
 * `showCells`: the fleet-wide list names the cells; a cell's own timeline does not repeat them.
 * `first`: only the first entries are in the page, with a link to `moreHref` (the same list, whole):
 * a busy cell's day holds hundreds of entries, most of which nobody scrolls to.
 */
export function ChangeList({
  changes,
  showCells = true,
  empty,
  testId = "change-list",
  first: shown,
  moreHref,
}: {
  changes: Change[];
  showCells?: boolean;
  empty: string;
  testId?: string;
  first?: number;
  moreHref?: string;
}) {
  const all = groupBySource(changes);
  if (all.length === 0) return <p className="py-6 text-center text-sm text-slate-500">{empty}</p>;
  const groups = shown === undefined ? all : all.slice(0, shown);
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
  const rest = all.length - groups.length;
  return (
    <>
      <ChangeRows rows={rows} testId={testId} />
      {rest > 0 && moreHref && (
        <p className="mt-2 text-sm">
          <Link href={moreHref} scroll={false} className="text-indigo-700 hover:underline" data-testid={`${testId}-more`}>
            Show {plural(rest, "more entry", "more entries")} (all {all.length})
          </Link>
        </p>
      )}
    </>
  );
}
