"use client";
// The change list's rows, rendered from compact data: a busy cell's 24-hour timeline holds hundreds
// of entries, and sending them once as data (not as a tree of server-rendered elements in the page's
// payload as well as its HTML) keeps the page close to the cost of reading them. Plain anchors, not
// next/link, for the same reason.
import { formatTime } from "@/lib/format";
import { servicesText } from "@/lib/changes/model";
import { KindBadge } from "./kind-badge";

export interface ChangeRow {
  id: string;
  at: string;
  kind: string;
  summary: string;
  link: string | null;
  services: string[];
  actor: string;
  cells: string[];
  fleetWide: boolean;
}

function Cells({ cells, fleetWide }: { cells: string[]; fleetWide: boolean }) {
  if (fleetWide) return <span className="chg-m">every cell</span>;
  if (cells.length === 0) return null;
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

export function ChangeRows({ rows, testId }: { rows: ChangeRow[]; testId: string }) {
  return (
    <ol className="text-sm" data-testid={testId}>
      {rows.map((r) => (
        <li key={r.id} className="chg" data-testid="change" data-kind={r.kind}>
          <time className="chg-t">{formatTime(r.at, { seconds: true })}</time>
          <KindBadge kind={r.kind} />
          {r.link ? (
            <a href={r.link} className="chg-s">
              {r.summary}
            </a>
          ) : (
            <span className="chg-s">{r.summary}</span>
          )}
          <span className="chg-m">
            {servicesText(r.services)} · {r.actor}
          </span>
          <Cells cells={r.cells} fleetWide={r.fleetWide} />
        </li>
      ))}
    </ol>
  );
}
