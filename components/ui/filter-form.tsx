// A list page's filters, kept in the URL: a GET form of labelled fields, then Filter and Clear.
import Link from "next/link";
import type { ReactNode } from "react";

const FIELD = "rounded-md border border-slate-300 px-2 py-1";

export function FilterForm({ clearHref, testId, children }: { clearHref: string; testId?: string; children: ReactNode }) {
  return (
    <form method="get" role="search" className="mb-4 flex flex-wrap items-end gap-3 text-sm" data-testid={testId}>
      {children}
      <button type="submit" className="rounded-md bg-slate-800 px-3 py-1.5 text-white">
        Filter
      </button>
      <Link href={clearHref} className="px-2 py-1.5 text-slate-500 hover:underline">
        Clear
      </Link>
    </form>
  );
}

// A field is its small grey label above the control.
const LABEL = "flex flex-col gap-1";
const LABEL_TEXT = "text-xs text-slate-500";

/** A text field; with `suggestions`, the browser offers them (a datalist). */
export function FilterInput({
  label,
  name,
  defaultValue,
  suggestions,
  width,
}: {
  label: string;
  name: string;
  defaultValue: string;
  suggestions?: { id: string; values: string[] };
  /** A width class, e.g. `w-56`. */
  width?: string;
}) {
  return (
    <label className={LABEL}>
      <span className={LABEL_TEXT}>{label}</span>
      <input name={name} list={suggestions?.id} defaultValue={defaultValue} className={width ? `${width} ${FIELD}` : FIELD} />
      {suggestions && (
        <datalist id={suggestions.id}>
          {suggestions.values.map((v) => (
            <option key={v} value={v} />
          ))}
        </datalist>
      )}
    </label>
  );
}

/** A choice among `options` (value, or [value, label]); with `all`, an empty "All" first. */
export function FilterSelect({
  label,
  name,
  defaultValue,
  options,
  all = false,
}: {
  label: string;
  name: string;
  defaultValue: string;
  options: readonly (string | readonly [string, string])[];
  all?: boolean;
}) {
  return (
    <label className={LABEL}>
      <span className={LABEL_TEXT}>{label}</span>
      <select name={name} aria-label={label} defaultValue={defaultValue} className={FIELD}>
        {all && <option value="">All</option>}
        {options.map((o) => {
          const [value, text] = typeof o === "string" ? [o, o] : o;
          return (
            <option key={value} value={value}>
              {text}
            </option>
          );
        })}
      </select>
    </label>
  );
}
