// Text boxes whose value the caller keeps (useState), named for assistive technology by `label`.
import type { ReactNode } from "react";

/** A captioned text box on a coloured panel (the border takes the panel's colour). */
export function TextField({
  caption,
  captionClass,
  label,
  value,
  onChange,
  border,
}: {
  caption: ReactNode;
  captionClass?: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  /** The border colour (and any font) of the box, e.g. "border-red-300 font-mono". */
  border: string;
}) {
  return (
    <label className="mt-2 block text-sm">
      <span className={captionClass}>{caption}</span>
      <input
        aria-label={label}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className={`mt-1 w-full rounded-md border ${border} bg-white px-2 py-1 text-sm`}
      />
    </label>
  );
}

/** A reason (or comment) to go with an action, e.g. a rollback; the server requires it and audits it. */
export function ReasonInput({
  label,
  value,
  onChange,
  placeholder = "Reason (required)",
  className = "",
  small = false,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  placeholder?: string;
  /** Where it sits: margins and width. */
  className?: string;
  /** The compact size of a table row's controls. */
  small?: boolean;
}) {
  return (
    <input
      aria-label={label}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      placeholder={placeholder}
      className={`${className} rounded-md border border-slate-300 px-2 ${small ? "py-0.5 text-xs" : "py-1 text-sm"}`.trim()}
    />
  );
}
