// The dashboard's list table: a bordered white card, a grey header row, rows divided by a line, and
// a message across every column when there is nothing to list. Rows are the caller's `<tr>`s.
import type { ReactNode } from "react";

export interface Column {
  label: ReactNode;
  /** React key, when the label is not a unique string. */
  key?: string;
  /** Numbers align right. */
  align?: "right";
  /** The header cell's padding, when not the default `px-4 py-2` (narrow columns). */
  padding?: string;
}

interface Props {
  testId: string;
  columns: (string | Column)[];
  /** The rows (`<tr>`), or with `groups`, one `<tbody>` per item. */
  children: ReactNode;
  /** Shown across every column instead of rows: pass it only when there are none. */
  empty?: ReactNode;
  /** Each item is a group of rows in its own `<tbody>` (a row and its details). */
  groups?: boolean;
  /** Without the card around it, for a table placed inside a card or a framed container. */
  bare?: boolean;
}

export function DataTable({ testId, columns, children, empty, groups = false, bare = false }: Props) {
  const cols = columns.map((c) => (typeof c === "string" ? { label: c } : c));
  const emptyRow = empty ? (
    <tr>
      <td colSpan={cols.length} className="px-4 py-10 text-center text-slate-500">
        {empty}
      </td>
    </tr>
  ) : null;
  const table = (
    <table className="w-full text-sm" data-testid={testId}>
      <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
        <tr>
          {cols.map((c, i) => (
            <th
              key={c.key ?? (typeof c.label === "string" ? c.label : i)}
              className={`${c.padding ?? "px-4 py-2"}${c.align ? " text-right" : ""}`}
            >
              {c.label}
            </th>
          ))}
        </tr>
      </thead>
      {groups ? (
        <>
          {children}
          {emptyRow && <tbody>{emptyRow}</tbody>}
        </>
      ) : (
        <tbody className="divide-y divide-slate-100">
          {children}
          {emptyRow}
        </tbody>
      )}
    </table>
  );
  // The box scrolls sideways on narrow screens; it takes focus so a keyboard can scroll it too.
  return bare ? (
    table
  ) : (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1)
    <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm" tabIndex={0}>
      {table}
    </div>
  );
}
