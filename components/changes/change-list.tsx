// The change log as a list: newest first, rows of one change (a deploy to a wave, a flag change on
// twelve cells) folded into one entry with its cells. Each entry links to its release, flag, route,
// migration or audit events.
import { type Change, groupBySource, KIND_LABELS, servicesText } from "@/lib/changes/model";
import { formatTime } from "@/lib/format";

export function KindBadge({ kind }: { kind: string }) {
  return (
    <span className="chg-k" data-k={kind}>
      {KIND_LABELS[kind as keyof typeof KIND_LABELS] ?? kind}
    </span>
  );
}

// Plain anchors, not next/link: a 24-hour timeline holds hundreds of rows, and a client component
// per row would be serialised and hydrated hundreds of times.
function Cells({ cells, fleetWide, showCells }: { cells: string[]; fleetWide: boolean; showCells: boolean }) {
  if (fleetWide) return <span className="chg-m">every cell</span>;
  if (!showCells) return null;
  if (cells.length <= 3)
    return (
      <span className="chg-c">
        {cells.map((c, i) => (
          <span key={c}>
            {i > 0 && ", "}
            <a href={`/cells/${c}`}>{c}</a>
          </span>
        ))}
      </span>
    );
  return (
    <details className="chg-c">
      <summary className="cursor-pointer">{cells.length} cells</summary>
      {cells.join(", ")}
    </details>
  );
}

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
  return (
    <ol className="text-sm" data-testid={testId}>
      {groups.map(({ first, cells }) => (
        <li key={first.id} className="chg" data-testid="change" data-kind={first.kind}>
          <time className="chg-t">{formatTime(first.at, { seconds: true })}</time>
          <KindBadge kind={first.kind} />
          {first.link ? (
            <a href={first.link} className="chg-s">
              {first.summary}
            </a>
          ) : (
            <span className="chg-s">{first.summary}</span>
          )}
          <span className="chg-m">
            {servicesText(first.services)} · {first.actor}
          </span>
          <Cells cells={cells} fleetWide={first.cell === null} showCells={showCells} />
        </li>
      ))}
    </ol>
  );
}
