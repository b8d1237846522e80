// The breaking-change plan for each pair of versions of a resource (v1 → v2 of Messages), after the
// seed's timeline: Month 0 deploy the new handlers (disabled at the edge), Month 1 enable the new
// version at the gateway, Month 3 announce the old version's deprecation, Month 12 disable the old
// version. Planned dates come from that timeline (or the announced dates), actual dates from the
// route table and the capability reports, and the first unfinished step says what blocks it.
import { DateTime } from "luxon";
import { formatDayOrInstant } from "./headers";
import { pathVersion, routeKey, versionNumber, type Route, type StoredRoute } from "./model";
import { aliasesOf } from "./lifecycle";
import { listCells, type Readiness } from "./readiness";

export type StepKey = "deploy" | "enable" | "deprecate" | "sunset";
export type StepState = "done" | "current" | "blocked" | "pending" | "overdue";

export interface PlanStep {
  key: StepKey;
  title: string;
  planned: Date | null;
  actual: Date | null;
  state: StepState;
  /** What blocks this step (only on the first unfinished one), in the domain's words. */
  blocker: string | null;
  note: string | null;
}

export interface BreakingChangePlan {
  id: string;
  resource: string;
  method: string;
  from: StoredRoute;
  to: StoredRoute;
  steps: PlanStep[];
  /** What happens next, or what stands in the way. */
  next: string;
}

/** Months after the anchor (the new version's introduction), from the seed's timeline. */
export const TIMELINE_MONTHS: Record<StepKey, number> = { deploy: 0, enable: 1, deprecate: 3, sunset: 12 };

const plus = (d: Date, months: number) => DateTime.fromJSDate(d, { zone: "utc" }).plus({ months }).toJSDate();
const pv = (r: Route) => versionNumber(pathVersion(r.path) ?? "v0");

/** Consecutive version pairs per resource and method, oldest first. */
export function versionPairs(routes: StoredRoute[]): [StoredRoute, StoredRoute][] {
  const groups = new Map<string, StoredRoute[]>();
  for (const r of routes) {
    const k = `${r.method} ${r.resource}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const pairs: [StoredRoute, StoredRoute][] = [];
  for (const list of groups.values()) {
    const sorted = [...list].sort((a, b) => pv(a) - pv(b));
    for (let i = 1; i < sorted.length; i++) pairs.push([sorted[i - 1]!, sorted[i]!]);
  }
  return pairs;
}

export function planFor(from: StoredRoute, to: StoredRoute, toReadiness: Readiness, routes: Route[], now: Date): BreakingChangePlan {
  const oldV = pathVersion(from.path)!,
    newV = pathVersion(to.path)!;
  const fromKey = routeKey(from),
    toKey = routeKey(to);
  const deployedAt = toReadiness.ready ? new Date(Math.max(...toReadiness.cells.map((c) => c.firstReportedAt!.getTime()))) : null;
  // Month 0 of the seed's timeline: the new version's introduction; while it is still disabled, its
  // deployment (or its arrival in the table); once enabled without an introduction date, a month
  // before it was enabled. Unknown → the computed planned dates stay empty.
  const anchor =
    to.introduced ??
    (to.status === "disabled" ? (deployedAt ?? to.createdAt) : to.enabledAt ? plus(to.enabledAt, -TIMELINE_MONTHS.enable) : null);
  const planned = (k: StepKey) => (anchor ? plus(anchor, TIMELINE_MONTHS[k]) : null);
  const lagging = toReadiness.lagging.length ? ` (${listCells(toReadiness.lagging)})` : "";

  const deployDone = toReadiness.ready || to.status !== "disabled";
  const enableDone = to.status !== "disabled";
  const deprecateDone = from.status === "deprecated" || from.status === "sunset";
  const sunsetDone = from.status === "sunset";
  const liveAliases = aliasesOf(from, routes).filter((r) => r.status !== "sunset");

  const steps: PlanStep[] = [
    {
      key: "deploy",
      title: `Deploy ${to.service} ${to.version} handlers to every cell (${newV} disabled at the edge)`,
      planned: planned("deploy"),
      actual: deployedAt,
      state: deployDone ? "done" : "blocked",
      blocker: deployDone ? null : `${toReadiness.summary}${lagging}`,
      note: deployDone && !toReadiness.ready && to.status !== "sunset" ? `now ${toReadiness.summary}` : null,
    },
    {
      key: "enable",
      title: `Enable ${toKey} at the gateway`,
      planned: planned("enable"),
      actual: enableDone ? (to.enabledAt ?? to.introduced) : null,
      state: enableDone ? "done" : "pending",
      blocker: enableDone ? null : deployDone ? null : `waiting for handlers: ${toReadiness.summary}`,
      note: enableDone ? null : deployDone ? "ready: every active cell serves it; one global switch" : null,
    },
    {
      key: "deprecate",
      title: `Announce ${oldV} deprecation (Deprecation and Sunset headers on ${fromKey})`,
      planned: from.deprecationDate ?? planned("deprecate"),
      actual: deprecateDone ? (from.deprecatedAt ?? from.deprecationDate) : null,
      state: deprecateDone ? "done" : "pending",
      blocker: deprecateDone || enableDone ? null : `enable ${toKey} first`,
      note: deprecateDone && from.deprecationDate ? `Deprecation: ${formatDayOrInstant(from.deprecationDate)}` : null,
    },
    {
      key: "sunset",
      title: `Disable ${oldV} at the gateway (${fromKey} answers 410)`,
      planned: from.sunsetDate ?? planned("sunset"),
      actual: sunsetDone ? (from.retiredAt ?? from.sunsetDate) : null,
      state: sunsetDone ? "done" : "pending",
      blocker: sunsetDone
        ? null
        : !deprecateDone
          ? "announce the deprecation first"
          : liveAliases.length
            ? `${liveAliases.map(routeKey).join(", ")} (alias) still served`
            : from.sunsetDate && from.sunsetDate > now
              ? `announced sunset ${formatDayOrInstant(from.sunsetDate)} not reached`
              : null,
      note: null,
    },
  ];

  const current = steps.find((s) => s.state !== "done");
  for (const s of steps) if (s !== current && s.state !== "done") s.blocker = null;
  if (current) {
    current.state = current.blocker ? "blocked" : "current";
    if (current.key === "sunset" && !current.blocker && from.sunsetDate && from.sunsetDate <= now) {
      current.state = "overdue";
      current.note = `sunset date ${formatDayOrInstant(from.sunsetDate)} has passed; ${fromKey} is still served`;
    }
  }
  const next = !current
    ? `Done: ${oldV} is sunset and ${newV} serves ${from.resource}.`
    : current.blocker
      ? `Blocked: ${current.blocker}.`
      : {
          deploy: "Deploy the handlers.",
          enable: `Next: enable ${toKey}.`,
          deprecate: `Next: announce the deprecation of ${fromKey}.`,
          sunset: `Next: sunset ${fromKey}.`,
        }[current.key];

  return { id: `${from.method} ${from.resource} ${oldV}→${newV}`, resource: from.resource, method: from.method, from, to, steps, next };
}

export function breakingChangePlans(routes: StoredRoute[], readinessOf: (r: Route) => Readiness, now: Date): BreakingChangePlan[] {
  return versionPairs(routes).map(([from, to]) => planFor(from, to, readinessOf(to), routes, now));
}
