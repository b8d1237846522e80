// A detail page's body: the main column (what happened, tables) beside a narrower side column (the
// controls and decisions); one column under the xl breakpoint.
import type { ReactNode } from "react";

export function DetailColumns({ main, side, wideSide = false }: { main: ReactNode; side: ReactNode; wideSide?: boolean }) {
  return (
    <div className={`grid gap-6 ${wideSide ? "xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]" : "xl:grid-cols-[minmax(0,3fr)_minmax(0,1fr)]"}`}>
      <div className="min-w-0 space-y-6">{main}</div>
      <div className="space-y-6">{side}</div>
    </div>
  );
}
