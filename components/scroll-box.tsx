import type { ReactNode } from "react";

/** A box that scrolls sideways when its content (a wide table) does not fit; a keyboard can focus and scroll it. */
export function ScrollBox({ children, className = "" }: { children: ReactNode; className?: string }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1)
    <div className={`overflow-x-auto ${className}`} tabIndex={0}>
      {children}
    </div>
  );
}
