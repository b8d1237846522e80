// One button for the forms and controls: the look comes from its variant, the caller adds margins.
import Link from "next/link";
import type { ButtonHTMLAttributes, ReactNode } from "react";

const PRIMARY = "rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500";

const VARIANTS = {
  /** The form's main action (save, create, start). */
  primary: `${PRIMARY} disabled:opacity-50`,
  /** Approve a gate. */
  approve: "rounded-md bg-emerald-700 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50",
  /** Reject, abort: the red one. */
  danger: "rounded-md bg-red-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50",
  /** Roll back: undoes a change, on purpose. */
  caution: "rounded-md border border-orange-300 bg-orange-50 px-3 py-1.5 text-sm font-medium text-orange-800 disabled:opacity-50",
  /** Undo for good: roll the whole release back. */
  rollback: "rounded-md bg-orange-700 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50",
  /** A routine step beside a text box (acknowledge). */
  soft: "rounded-md border border-indigo-300 bg-indigo-50 px-3 py-1 text-sm font-medium text-indigo-800 disabled:opacity-50",
  /** A quiet second choice beside the main action (reset, discard). */
  link: "text-sm text-slate-500 hover:underline",
} as const;

export type ButtonVariant = keyof typeof VARIANTS;

export function Button({
  variant,
  className,
  type = "button",
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant: ButtonVariant; type?: "button" | "submit" }) {
  return <button type={type} className={className ? `${VARIANTS[variant]} ${className}` : VARIANTS[variant]} {...props} />;
}

/** A link that looks like the page's main action (New flag, Import …): a page header's button that navigates. */
export function PrimaryLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <Link href={href} className={PRIMARY}>
      {children}
    </Link>
  );
}
