// The state of one cell in one glance: code, flags, API versions, schema, gates and freezes — what
// the control plane holds in force there now. Pure: the queries read the rows, this composes them.
// A flag's code prerequisites hold when the cell's observed versions satisfy them (null: the flag
// has none; the card shows "—").
import { missingPrerequisite } from "@/lib/flags/evaluate";
import type { FlagConfig } from "@/lib/flags/model";
import { effectiveRollout, nextStep } from "@/lib/flags/schedule";
import { windowAt, zoneOf } from "@/lib/rollouts/windows";
import { type CellRef, flagCellStates } from "./flag-states";

export interface CardInput {
  cell: CellRef;
  services: { service: string; desiredVersion: string | null; observedVersion: string | null }[];
  flags: (FlagConfig & { key: string })[];
  /** Home cell of every allowlisted customer of those flags. */
  homes: Record<string, string>;
  capabilities: { service: string; apiVersion: string; lastReportedAt: Date }[];
  routes: { service: string; version: string; status: string; key: string }[];
  migrations: { id: string; status: string; currentPhase: string | null; cellPhase: string | null; cellStatus: string | null }[];
  gates: { kind: "release" | "migration"; id: string; title: string; since: Date | null }[];
  freezes: { id: string; endsAt: Date; reason: string }[];
  windows: { id: string; scope: string; weekday: number; startMinute: number; durationMin: number }[];
  staleAfterMs: number;
}

export interface CellCard {
  services: { service: string; desired: string | null; observed: string | null; converged: boolean }[];
  flags: {
    key: string;
    percentage: number;
    allowlisted: number;
    source: "manual" | "schedule" | "held" | "frozen";
    next: { at: Date; percentage: number } | null;
    /** Whether the flag's code prerequisites hold here (the cell runs satisfying versions); null: it has none. */
    prerequisitesHold: boolean | null;
  }[];
  apis: {
    service: string;
    apiVersion: string;
    served: boolean;
    lastReportedAt: Date;
    edge: "enabled" | "deprecated" | "disabled" | "sunset" | "no route";
  }[];
  migrations: CardInput["migrations"];
  gates: CardInput["gates"];
  freezes: CardInput["freezes"];
  windows: { id: string; scope: string; inside: boolean; start: Date; end: Date }[];
}

/** How the edge treats a service's API version: the most open status of its routes. */
function edgeStatus(routes: CardInput["routes"], service: string, version: string): CellCard["apis"][number]["edge"] {
  const statuses = routes.filter((r) => r.service === service && r.version === version).map((r) => r.status);
  for (const s of ["active", "deprecated", "disabled", "sunset"] as const) if (statuses.includes(s)) return s === "active" ? "enabled" : s;
  return "no route";
}

/** Whether a flag's code prerequisites hold on a cell running `versions`; null without prerequisites. */
export function prerequisitesHoldOn(requires: FlagConfig["requires"], versions: Record<string, string | null>): boolean | null {
  const list = Object.entries(requires ?? {}).map(([service, range]) => ({ service, range }));
  return list.length === 0 ? null : missingPrerequisite(list, versions) === null;
}

export function cellCard(i: CardInput, now: Date): CellCard {
  const states = new Map(i.flags.map((f) => [f.key, flagCellStates(f, [i.cell], i.homes, now).get(i.cell.id)]));
  const running = Object.fromEntries(i.services.map((s) => [s.service, s.observedVersion]));
  return {
    services: i.services.map((s) => ({
      service: s.service,
      desired: s.desiredVersion,
      observed: s.observedVersion,
      converged: s.desiredVersion === null || s.desiredVersion === s.observedVersion,
    })),
    flags: i.flags.flatMap((f) => {
      const s = states.get(f.key);
      if (!s) return [];
      const eff = effectiveRollout(f, now);
      return [
        {
          key: f.key,
          ...s,
          source: eff.source.kind,
          next: nextStep(f.schedule, now) ?? null,
          prerequisitesHold: prerequisitesHoldOn(f.requires, running),
        },
      ];
    }),
    apis: i.capabilities
      .map((c) => ({
        service: c.service,
        apiVersion: c.apiVersion,
        lastReportedAt: c.lastReportedAt,
        served: now.getTime() - c.lastReportedAt.getTime() <= i.staleAfterMs,
        edge: edgeStatus(i.routes, c.service, c.apiVersion),
      }))
      .sort((a, b) => a.service.localeCompare(b.service) || a.apiVersion.localeCompare(b.apiVersion, "en", { numeric: true })),
    migrations: i.migrations,
    gates: i.gates,
    freezes: i.freezes,
    windows: i.windows.flatMap((w) => {
      const o = windowAt([w], zoneOf(i.cell.region), now);
      return o ? [{ id: w.id, scope: w.scope, ...o }] : [];
    }),
  };
}
