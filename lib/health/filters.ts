// The global view's `version` filter (in the URL, so a view can be linked): `sms@v2.5.0` keeps the
// cells whose sms runs v2.5.0; a bare `v2.5.0` keeps cells where any service (or the selected
// service) runs it. Pure.
import type { CellState } from "./fleet-health";

export function parseVersionFilter(v: string | null): { service: string | null; version: string } | null {
  if (!v) return null;
  const at = v.indexOf("@");
  return at > 0 ? { service: v.slice(0, at), version: v.slice(at + 1) } : { service: null, version: v };
}

/** Whether `cell` runs the filtered version (observed; "unknown" matches a service that reported none). */
export function runsVersion(cell: CellState, filter: string | null, selectedService: string | null = null): boolean {
  const f = parseVersionFilter(filter);
  if (!f) return true;
  const service = f.service ?? selectedService;
  return cell.services.some((s) => (!service || s.service === service) && (s.observedVersion ?? "unknown") === f.version);
}

/** The versions running in the fleet, as filter values (`service@version`), sorted. */
export function versionOptions(cells: CellState[]): string[] {
  const set = new Set<string>();
  for (const c of cells) for (const s of c.services) if (s.observedVersion) set.add(`${s.service}@${s.observedVersion}`);
  return [...set].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
}
