// The change log as a list: newest first, rows of one change (a deploy to a wave, a flag change on
// twelve cells) folded into one entry with its cells. Each entry links to its release, flag, route,
// migration or audit events.
import Link from "next/link";
import { type Change, cellText, groupBySource, KIND_LABELS, servicesText } from "@/lib/changes/model";
import { formatTime } from "@/lib/format";

const KIND_STYLE: Record<string, string> = {
  deploy: "bg-violet-50 text-violet-700 ring-violet-200",
  rollback: "bg-rose-50 text-rose-700 ring-rose-200",
  version: "bg-indigo-50 text-indigo-700 ring-indigo-200",
  flag: "bg-teal-50 text-teal-700 ring-teal-200",
  route: "bg-sky-50 text-sky-700 ring-sky-200",
  migration: "bg-amber-50 text-amber-800 ring-amber-200",
  freeze: "bg-blue-50 text-blue-800 ring-blue-200",
  maintenance: "bg-slate-100 text-slate-700 ring-slate-200",
};

export function KindBadge({ kind }: { kind: string }) {
  return (
    <span
      className={`inline-flex shrink-0 rounded px-1.5 py-0.5 text-[11px] font-medium ring-1 ring-inset ${KIND_STYLE[kind] ?? "bg-slate-50 text-slate-600 ring-slate-200"}`}
    >
      {KIND_LABELS[kind as keyof typeof KIND_LABELS] ?? kind}
    </span>
  );
}

function Cells({ cells, fleetWide, showCells }: { cells: string[]; fleetWide: boolean; showCells: boolean }) {
  if (fleetWide) return <span className="text-xs font-medium text-slate-500">every cell</span>;
  if (!showCells) return null;
  if (cells.length <= 3)
    return (
      <span className="font-mono text-xs text-slate-600">
        {cells.map((c, i) => (
          <span key={c}>
            {i > 0 && ", "}
            <Link href={`/cells/${c}`} className="hover:underline">
              {c}
            </Link>
          </span>
        ))}
      </span>
    );
  return (
    <details className="inline text-xs">
      <summary className="cursor-pointer text-slate-600">{cells.length} cells</summary>
      <span className="font-mono text-slate-600">{cells.join(", ")}</span>
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
    <ol className="divide-y divide-slate-100 text-sm" data-testid={testId}>
      {groups.map(({ first, cells }) => (
        <li
          key={`${first.id}`}
          className="flex flex-wrap items-baseline gap-x-3 gap-y-1 py-1.5"
          data-testid="change"
          data-kind={first.kind}
        >
          <time dateTime={first.at.toISOString()} className="w-36 shrink-0 font-mono text-xs text-slate-400">
            {formatTime(first.at, { seconds: true })}
          </time>
          <KindBadge kind={first.kind} />
          <span className="min-w-0 flex-1">
            {first.link ? (
              <Link href={first.link} className="text-slate-800 hover:text-indigo-700 hover:underline">
                {first.summary}
              </Link>
            ) : (
              first.summary
            )}{" "}
            <span className="text-xs text-slate-400">
              · {servicesText(first.services)} · {first.actor}
            </span>
          </span>
          <Cells cells={cells} fleetWide={first.cell === null} showCells={showCells} />
        </li>
      ))}
    </ol>
  );
}

export { cellText };
