// The readiness gate: a route may be enabled only when every active cell reports, recently, that
// its handlers serve the route's service at the route's handler version (the seed's cellMetadata).
// A version counts as served while any report of it is younger than the staleness window, so a
// reporter that mentions only some versions does not un-ready the others until the window passes.
import { STALE_AFTER_MS } from "./model";
import { plural } from "@/lib/format";

export interface CapabilityReport {
  cellId: string;
  serviceId: string;
  apiVersion: string;
  firstReportedAt: Date;
  lastReportedAt: Date;
}

export type CellReadinessState = "ready" | "missing" | "stale";

export interface CellReadiness {
  cell: string;
  state: CellReadinessState;
  firstReportedAt: Date | null;
  lastReportedAt: Date | null;
}

export interface Readiness {
  service: string;
  version: string;
  ready: boolean;
  total: number;
  readyCount: number;
  cells: CellReadiness[];
  /** Active cells that do not (or no longer) report the capability. */
  lagging: CellReadiness[];
  /** One line for people: "3 cells lack voice v2" or "all 16 cells serve voice v2". */
  summary: string;
}

/** Index capability reports by cell, service and version for many readiness questions. */
export function indexCapabilities(caps: CapabilityReport[]): Map<string, CapabilityReport> {
  return new Map(caps.map((c) => [`${c.cellId}|${c.serviceId}|${c.apiVersion}`, c]));
}

export function cellReadiness(
  cell: string,
  service: string,
  version: string,
  caps: Map<string, CapabilityReport>,
  now: Date,
  staleAfterMs = STALE_AFTER_MS,
): CellReadiness {
  const c = caps.get(`${cell}|${service}|${version}`);
  if (!c) return { cell, state: "missing", firstReportedAt: null, lastReportedAt: null };
  const fresh = now.getTime() - c.lastReportedAt.getTime() <= staleAfterMs;
  return { cell, state: fresh ? "ready" : "stale", firstReportedAt: c.firstReportedAt, lastReportedAt: c.lastReportedAt };
}

/** Whether `service` `version` is served by every one of `activeCells` at `now`. */
export function readinessFor(
  service: string,
  version: string,
  activeCells: string[],
  caps: Map<string, CapabilityReport>,
  now: Date,
  staleAfterMs = STALE_AFTER_MS,
): Readiness {
  const cells = activeCells.map((cell) => cellReadiness(cell, service, version, caps, now, staleAfterMs));
  const lagging = cells.filter((c) => c.state !== "ready");
  const missing = lagging.filter((c) => c.state === "missing").length;
  const stale = lagging.length - missing;
  const what = `${service} ${version}`;
  let summary: string;
  if (cells.length === 0) summary = "no active cells";
  else if (lagging.length === 0) summary = `all ${plural(cells.length, "cell")} serve ${what}`;
  else {
    const parts = [];
    if (missing) parts.push(`${plural(missing, "cell")} lack${missing === 1 ? "s" : ""} ${what}`);
    if (stale) parts.push(`${plural(stale, "cell")} reported ${what} over ${Math.round(staleAfterMs / 60_000)} min ago`);
    summary = parts.join("; ");
  }
  return {
    service,
    version,
    ready: cells.length > 0 && lagging.length === 0,
    total: cells.length,
    readyCount: cells.length - lagging.length,
    cells,
    lagging,
    summary,
  };
}

/** "smb-us-1, smb-us-2 and 3 more" for messages that must stay short. */
export function listCells(cells: { cell: string }[], max = 6): string {
  const ids = cells.map((c) => c.cell);
  if (ids.length <= max) return ids.join(", ");
  return `${ids.slice(0, max).join(", ")} and ${ids.length - max} more`;
}
