// The readiness gate: a route may be enabled only when every active cell serves the route's service
// at the route's handler version (the seed's cellMetadata). A capability report names the service
// version that made it: the cell serves the API version while it still runs that service version —
// a cell rolled back to a version without the handlers stops counting at once, however recent its
// last report. A report that names no version falls back to the window: it counts while younger than
// the staleness window, so a reporter that mentions only some versions does not un-ready the others.
import { STALE_AFTER_MS } from "./model";
import { plural } from "@/lib/format";

export interface CapabilityReport {
  cellId: string;
  serviceId: string;
  apiVersion: string;
  firstReportedAt: Date;
  lastReportedAt: Date;
  /** The service version the cell ran when it last reported this API version (null/absent: not said). */
  reportedVersion?: string | null;
}

/** What a cell × service runs now (its observed version). */
export interface RunningVersion {
  cellId: string;
  serviceId: string;
  version: string | null;
}

/** ready · missing (never reported) · outdated (runs another version than the one that reported it) · stale (an unversioned report, too old). */
export type CellReadinessState = "ready" | "missing" | "outdated" | "stale";

export interface CellReadiness {
  cell: string;
  state: CellReadinessState;
  firstReportedAt: Date | null;
  lastReportedAt: Date | null;
  /** For versioned reports: the version that reported it, and the one the cell runs now. */
  reportedVersion?: string | null;
  runningVersion?: string | null;
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

export interface IndexedCapability extends CapabilityReport {
  /** The service version the cell runs now (undefined: not known to the index). */
  runningVersion?: string | null;
}

/** Index capability reports by cell, service and version (with what each cell runs now) for many readiness questions. */
export function indexCapabilities(caps: CapabilityReport[], running: RunningVersion[] = []): Map<string, IndexedCapability> {
  const now = new Map(running.map((r) => [`${r.cellId}|${r.serviceId}`, r.version]));
  return new Map(
    caps.map((c) => {
      const pair = `${c.cellId}|${c.serviceId}`;
      return [`${pair}|${c.apiVersion}`, now.has(pair) ? { ...c, runningVersion: now.get(pair) ?? null } : c];
    }),
  );
}

export function cellReadiness(
  cell: string,
  service: string,
  version: string,
  caps: Map<string, IndexedCapability>,
  now: Date,
  staleAfterMs = STALE_AFTER_MS,
): CellReadiness {
  const c = caps.get(`${cell}|${service}|${version}`);
  if (!c) return { cell, state: "missing", firstReportedAt: null, lastReportedAt: null };
  if (c.reportedVersion && c.runningVersion !== undefined) {
    const same = c.runningVersion === c.reportedVersion;
    return {
      cell,
      state: same ? "ready" : "outdated",
      firstReportedAt: c.firstReportedAt,
      lastReportedAt: c.lastReportedAt,
      reportedVersion: c.reportedVersion,
      runningVersion: c.runningVersion,
    };
  }
  const fresh = now.getTime() - c.lastReportedAt.getTime() <= staleAfterMs;
  return { cell, state: fresh ? "ready" : "stale", firstReportedAt: c.firstReportedAt, lastReportedAt: c.lastReportedAt };
}

/** Whether `service` `version` is served by every one of `activeCells` at `now`. */
export function readinessFor(
  service: string,
  version: string,
  activeCells: string[],
  caps: Map<string, IndexedCapability>,
  now: Date,
  staleAfterMs = STALE_AFTER_MS,
): Readiness {
  const cells = activeCells.map((cell) => cellReadiness(cell, service, version, caps, now, staleAfterMs));
  const lagging = cells.filter((c) => c.state !== "ready");
  const missing = lagging.filter((c) => c.state === "missing").length;
  const outdated = lagging.filter((c) => c.state === "outdated");
  const stale = lagging.length - missing - outdated.length;
  const what = `${service} ${version}`;
  let summary: string;
  if (cells.length === 0) summary = "no active cells";
  else if (lagging.length === 0) summary = `all ${plural(cells.length, "cell")} serve ${what}`;
  else {
    const parts = [];
    if (missing) parts.push(`${plural(missing, "cell")} lack${missing === 1 ? "s" : ""} ${what}`);
    if (outdated.length) {
      const first = outdated[0]!;
      parts.push(
        `${plural(outdated.length, "cell runs", "cells run")} a version that does not serve ${what} (${first.cell} runs ${first.runningVersion ?? "no reported version"}; ${version} was reported by ${first.reportedVersion})`,
      );
    }
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
