// The stages of a run in progress — a release's waves, a migration's phases — as cards in a row: each
// with its number and name, its state, a line of facts and what is happening in it. The stage the run
// is working on is outlined.
import type { LucideIcon } from "lucide-react";
import type { ComponentProps, ReactNode } from "react";

export function StageCard({
  index,
  name,
  current,
  badges,
  facts,
  className,
  children,
  ...attrs
}: Omit<ComponentProps<"li">, "className" | "children"> & {
  /** The stage's place in the run, from 0 (shown from 1). */
  index: number;
  name: string;
  /** The run is live and working on this stage. */
  current: boolean;
  /** The stage's state, and any badge beside it. */
  badges: ReactNode;
  /** One line under the name: how the stage runs. */
  facts: ReactNode;
  /** How wide the card is in its list. */
  className: string;
  children?: ReactNode;
}) {
  return (
    <li
      {...attrs}
      className={`${className} rounded-lg border p-3 ${current ? "border-indigo-400 ring-2 ring-indigo-100" : "border-slate-200"}`}
    >
      <div className="flex flex-wrap items-start justify-between gap-x-2 gap-y-1">
        <span className="min-w-0 break-words text-sm font-semibold">
          {index + 1}. {name}
        </span>
        <span className="flex shrink-0 gap-1">{badges}</span>
      </div>
      <div className="mt-1 text-[11px] text-slate-500">{facts}</div>
      {children}
    </li>
  );
}

/** A line in a stage card behind a small icon: what it waits for, why it failed, who decided. */
export function StageNote({
  icon: Icon,
  iconClassName,
  className,
  testId,
  children,
}: {
  icon: LucideIcon;
  iconClassName?: string;
  /** Its spacing and tone. */
  className: string;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <p className={`flex gap-1 text-xs ${className}`} data-testid={testId}>
      <Icon aria-hidden className={`mt-px h-3 w-3 shrink-0${iconClassName ? ` ${iconClassName}` : ""}`} />
      <span className="min-w-0 break-words">{children}</span>
    </p>
  );
}
