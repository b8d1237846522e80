// A table set inside a card or a framed box (check results, migrations, routes, cells × phases): a
// plain header row, the caller's rows, and a message across every column when there is nothing to
// list. It scrolls sideways in its own focusable box on narrow screens. The page's list tables (a
// card of their own) are components/data-table.tsx.
import type { ReactNode } from "react";
import { ScrollBox } from "@/components/scroll-box";

export interface InsetColumn {
  /** The header text (none for a column of row actions). */
  label?: ReactNode;
  /** Numbers align right. */
  align?: "right";
  /** The header cell's padding, when not the default (`py-1 pr-3` first, `pr-3` between, none last). */
  className?: string;
  /** React key, when the label is not a unique string. */
  key?: string;
}

interface Props {
  testId?: string;
  columns: (string | InsetColumn)[];
  /** The rows (`<tr>`). */
  children: ReactNode;
  /** Shown across every column after the rows: pass it only when there are none. */
  empty?: ReactNode;
  emptyClassName?: string;
  /** The `<table>`'s classes. */
  className?: string;
  headClassName?: string;
  bodyClassName?: string;
  /** The scrolling box's classes (a border when the table is not in a card). */
  frame?: string;
}

export function InsetTable({
  testId,
  columns,
  children,
  empty,
  emptyClassName = "py-3 text-slate-500",
  className = "w-full text-sm",
  headClassName = "text-left text-xs uppercase text-slate-500",
  bodyClassName = "divide-y divide-slate-100",
  frame,
}: Props) {
  const cols = columns.map((c) => (typeof c === "string" ? { label: c } : c));
  const padding = (i: number) => (i === 0 ? "py-1 pr-3" : i < cols.length - 1 ? "pr-3" : undefined);
  const headCell = (c: InsetColumn, i: number) =>
    [c.className ?? padding(i), c.align === "right" ? "text-right" : undefined].filter(Boolean).join(" ") || undefined;
  return (
    <ScrollBox className={frame}>
      <table className={className} data-testid={testId}>
        <thead className={headClassName}>
          <tr>
            {cols.map((c, i) => (
              <th key={c.key ?? (typeof c.label === "string" ? c.label : i)} className={headCell(c, i)}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className={bodyClassName}>
          {children}
          {empty && (
            <tr>
              <td colSpan={cols.length} className={emptyClassName}>
                {empty}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </ScrollBox>
  );
}
