// Route table I/O, shared by the app, the CLI and the demo seed (so no `server-only`). Every change
// runs in the caller's transaction, takes the gateway_config row lock first (two clicks → one
// transition), bumps the config version (the ETag) and returns its audit events for the caller's
// door to write in that transaction.
import type { Audited, AuditInput } from "@/lib/audit/events";
import type { Db, Tx } from "@/lib/db/client";
import type { GatewayRoute } from "@/lib/generated/prisma/client";
import { DomainError } from "@/lib/errors";
import { readSetting } from "@/lib/settings/server/store";
import type { SpecError } from "@/lib/yaml-errors";
import type { ParsedGatewayConfig } from "../config-yaml";
import { decide, FROZEN_ROUTE_HINT, type LifecycleAction } from "../lifecycle";
import { type FreezeSpan, freezeInForce, frozenRefusal } from "@/lib/settings/freezes";
import {
  diffTables,
  isEmptyTableDiff,
  isServed,
  parseRouteKey,
  routeKey,
  STALE_AFTER_MS,
  routeDetails,
  tableFields,
  type HttpMethod,
  type Route,
  type StoredRoute,
  type TableDiff,
} from "../model";
import {
  cellReadiness,
  type CellReadinessState,
  type IndexedCapability,
  indexCapabilities,
  listCells,
  readinessFor,
  type Readiness,
} from "../readiness";
import { resolveRequest, type Resolution } from "../resolver";
import { CELL_ROUTER_SETTING } from "../settings";

type Reader = Db | Tx;

function toStored(r: GatewayRoute): StoredRoute {
  return {
    method: r.method as HttpMethod,
    path: r.path,
    resource: r.resource,
    service: r.serviceId,
    ...routeDetails(r),
    position: r.position,
    revision: r.revision,
    enabledAt: r.enabledAt,
    deprecatedAt: r.deprecatedAt,
    retiredAt: r.retiredAt,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    updatedBy: r.updatedBy,
  };
}

/** The table in its file order. */
export async function loadRoutes(db: Reader): Promise<StoredRoute[]> {
  const rows = await db.gatewayRoute.findMany({ orderBy: [{ position: "asc" }, { path: "asc" }] });
  return rows.map(toStored);
}

export async function loadRoute(db: Reader, key: string): Promise<StoredRoute | null> {
  const k = parseRouteKey(key);
  if (!k) return null;
  const row = await db.gatewayRoute.findUnique({ where: { method_path: { method: k.method, path: k.path } } });
  return row ? toStored(row) : null;
}

export interface ConfigVersion {
  version: number;
  updatedAt: Date;
  updatedBy: string | null;
}

export async function configVersion(db: Reader): Promise<ConfigVersion> {
  const row = await db.gatewayConfig.findUnique({ where: { id: 1 } });
  return { version: row?.version ?? 0, updatedAt: row?.updatedAt ?? new Date(0), updatedBy: row?.updatedBy ?? null };
}

/** Serialise every change of the table: the single config row, locked for this transaction. */
async function lockConfig(tx: Tx): Promise<number> {
  const rows = await tx.$queryRaw<{ version: number }[]>`SELECT version FROM gateway_config WHERE id = 1 FOR UPDATE`;
  if (!rows[0]) throw new Error("gateway_config row missing (migration 20261126200000_gateway_routes not applied?)");
  return rows[0].version;
}

async function bumpConfig(tx: Tx, actor: string): Promise<number> {
  const row = await tx.gatewayConfig.update({
    where: { id: 1 },
    data: { version: { increment: 1 }, updatedAt: new Date(), updatedBy: actor },
  });
  return row.version;
}

// ---- Capabilities and readiness ---------------------------------------------------------------

export interface CapabilityState {
  activeCells: { id: string; tier: string; region: string }[];
  caps: Map<string, IndexedCapability>;
}

/** Active cells, what each cell × service reports serving (the seed's cellMetadata) and which version it runs now. */
export async function loadCapabilities(db: Reader): Promise<CapabilityState> {
  const cells = await db.cell.findMany({ where: { status: "active" }, select: { id: true, tier: true, region: true } });
  const ids = cells.map((c) => c.id);
  const [caps, running] = await Promise.all([
    db.apiCapability.findMany({ where: { cellId: { in: ids } } }),
    db.cellService.findMany({ where: { cellId: { in: ids } }, select: { cellId: true, serviceId: true, observedVersion: true } }),
  ]);
  const order: Record<string, number> = { canary: 0, smb: 1, enterprise: 2 };
  cells.sort((a, b) => (order[a.tier] ?? 9) - (order[b.tier] ?? 9) || a.id.localeCompare(b.id, "en", { numeric: true }));
  return {
    activeCells: cells,
    caps: indexCapabilities(
      caps,
      running.map((r) => ({ cellId: r.cellId, serviceId: r.serviceId, version: r.observedVersion })),
    ),
  };
}

export function readinessOf(
  state: CapabilityState,
  route: Pick<Route, "service" | "version">,
  now: Date,
  staleAfterMs = STALE_AFTER_MS,
): Readiness {
  return readinessFor(
    route.service,
    route.version,
    state.activeCells.map((c) => c.id),
    state.caps,
    now,
    staleAfterMs,
  );
}

// ---- Import ------------------------------------------------------------------------------------

export interface ImportPreview {
  diff: TableDiff;
  warnings: SpecError[];
  /** Routes the import would start serving, with their readiness (import refuses when any is not ready). */
  gated: { key: string; readiness: Readiness }[];
  /** Bootstrapping an empty table records what the edge already serves: no readiness gate. */
  bootstrap: boolean;
}

/** The fleet freeze in force at `now`, if any. */
async function freezeAt(db: Reader, now: Date): Promise<FreezeSpan | null> {
  return freezeInForce(await db.freeze.findMany({ where: { startsAt: { lte: now }, endsAt: { gt: now } } }), now);
}

/** What an import would do that a freeze stops: start serving a route (enable, re-enable), sunset or remove a served one. */
function frozenMoves(current: StoredRoute[], next: Route[]): string[] {
  const byKey = new Map(current.map((r) => [routeKey(r), r]));
  const kept = new Set(next.map(routeKey));
  const removed = current.filter((r) => isServed(r.status) && !kept.has(routeKey(r))).map((r) => `removes ${routeKey(r)}`);
  return removed.concat(
    next.flatMap((r) => {
      const was = byKey.get(routeKey(r))?.status ?? "disabled";
      if (r.status === was) return [];
      if (r.status === "active") return [`${was === "deprecated" ? "re-enables" : "enables"} ${routeKey(r)}`];
      if (r.status === "deprecated" && !isServed(was)) return [`starts serving ${routeKey(r)}`];
      if (r.status === "sunset") return [`sunsets ${routeKey(r)}`];
      return [];
    }),
  );
}

function gatedRoutes(current: StoredRoute[], next: Route[], state: CapabilityState, now: Date): ImportPreview["gated"] {
  if (current.length === 0) return [];
  const byKey = new Map(current.map((r) => [routeKey(r), r]));
  return next
    .filter((r) => isServed(r.status) && !isServed(byKey.get(routeKey(r))?.status ?? "disabled"))
    .map((r) => ({ key: routeKey(r), readiness: readinessOf(state, r, now) }));
}

export async function previewGatewayImport(db: Reader, parsed: ParsedGatewayConfig, now: Date): Promise<ImportPreview> {
  const current = await loadRoutes(db);
  const state = await loadCapabilities(db);
  return {
    diff: diffTables(current.map(tableFields), parsed.routes),
    warnings: parsed.warnings,
    gated: gatedRoutes(current, parsed.routes, state, now),
    bootstrap: current.length === 0,
  };
}

export interface ImportResult {
  diff: TableDiff;
  warnings: SpecError[];
  changed: boolean;
  version: number;
  routes: number;
}

const auditView = (r: Route) => ({ ...tableFields(r) });

/**
 * Make the table match an imported file, in `tx`. Routes missing from the file are removed; a route
 * the file would start serving must pass the readiness gate like an enable (except when the table
 * is empty: the first import records what the edge already serves). No change → no new version.
 */
export async function applyGatewayImport(
  tx: Tx,
  parsed: ParsedGatewayConfig,
  actor: string,
  source: string,
  now: Date,
): Promise<Audited<ImportResult>> {
  let version = await lockConfig(tx);
  const current = await loadRoutes(tx);
  const diff = diffTables(current.map(tableFields), parsed.routes);
  const freeze = current.length ? await freezeAt(tx, now) : null;
  if (freeze) {
    const moved = frozenMoves(current, parsed.routes);
    if (moved.length) throw frozenRefusal(`Importing this file (it ${moved.join("; ")})`, freeze, FROZEN_ROUTE_HINT);
  }
  const blocked = gatedRoutes(current, parsed.routes, await loadCapabilities(tx), now).filter((g) => !g.readiness.ready);
  if (blocked.length) {
    throw new DomainError(
      "PRECONDITION",
      `The file would start serving ${blocked.map((b) => `${b.key} (${b.readiness.summary}: ${listCells(b.readiness.lagging)})`).join("; ")}. Nothing was changed; enable routes once every active cell reports their handlers.`,
      { laggingCells: [...new Set(blocked.flatMap((b) => b.readiness.lagging.map((c) => c.cell)))] },
    );
  }
  const audits: AuditInput[] = [];
  const changed = !isEmptyTableDiff(diff);
  if (changed) {
    const byKey = new Map(current.map((r) => [routeKey(r), r]));
    for (const r of diff.removed) {
      await tx.gatewayRoute.delete({ where: { method_path: { method: r.method, path: r.path } } });
      audits.push({ action: "route.delete", targetType: "route", targetId: routeKey(r), before: auditView(r) });
    }
    const changedKeys = new Set(diff.changed.map((c) => c.key));
    for (const [position, r] of parsed.routes.entries()) {
      const key = routeKey(r);
      const prev = byKey.get(key);
      const data = {
        position,
        resource: r.resource,
        serviceId: r.service,
        ...routeDetails(r),
        updatedBy: actor,
      };
      if (!prev) {
        const bootstrap = current.length === 0;
        await tx.gatewayRoute.create({
          data: {
            method: r.method,
            path: r.path,
            ...data,
            enabledAt: !bootstrap && isServed(r.status) ? now : null,
            deprecatedAt: !bootstrap && r.status === "deprecated" ? now : null,
            retiredAt: !bootstrap && r.status === "sunset" ? now : null,
          },
        });
        audits.push({ action: "route.create", targetType: "route", targetId: key, after: auditView(r) });
      } else if (changedKeys.has(key)) {
        const becameServed = isServed(r.status) && !isServed(prev.status);
        await tx.gatewayRoute.update({
          where: { method_path: { method: r.method, path: r.path } },
          data: {
            ...data,
            revision: { increment: 1 },
            enabledAt:
              r.status === "disabled"
                ? null
                : r.status === "active" && prev.status === "disabled"
                  ? now
                  : becameServed
                    ? (prev.enabledAt ?? now)
                    : prev.enabledAt,
            deprecatedAt:
              r.status === "deprecated"
                ? prev.status === "deprecated"
                  ? prev.deprecatedAt
                  : now
                : r.status === "sunset"
                  ? prev.deprecatedAt
                  : null,
            retiredAt: r.status === "sunset" ? (prev.status === "sunset" ? prev.retiredAt : now) : null,
          },
        });
        audits.push({ action: "route.update", targetType: "route", targetId: key, before: auditView(prev), after: auditView(r) });
      } else if (prev.position !== position) {
        await tx.gatewayRoute.update({ where: { method_path: { method: r.method, path: r.path } }, data: { position } });
      }
    }
    version = await bumpConfig(tx, actor);
  }
  audits.push({
    action: "gateway.import",
    targetType: "gateway",
    targetId: "config",
    after: {
      source,
      routes: parsed.routes.length,
      version,
      changed,
      added: diff.added.map(routeKey),
      removed: diff.removed.map(routeKey),
      updated: diff.changed.map((c) => c.key),
      warnings: parsed.warnings.map((w) => `${w.line ? `line ${w.line}: ` : ""}${w.field}: ${w.message}`),
    },
  });
  return { data: { diff, warnings: parsed.warnings, changed, version, routes: parsed.routes.length }, audit: audits };
}

// ---- Lifecycle ----------------------------------------------------------------------------------

export interface LifecycleResult {
  route: StoredRoute;
  version: number;
  forced: boolean;
}

const lifecycleView = (r: Pick<StoredRoute, "status" | "deprecationDate" | "sunsetDate" | "documentation">) => ({
  status: r.status,
  deprecationDate: r.deprecationDate,
  sunsetDate: r.sunsetDate,
  documentation: r.documentation,
});

/**
 * One global, atomic lifecycle change of one route. Refusals throw a DomainError (the enable gate's
 * names the lagging cells in `fieldErrors.laggingCells`) and change nothing.
 */
export async function changeRouteLifecycle(
  tx: Tx,
  input: { key: string; action: LifecycleAction; expectedRevision?: number },
  actor: string,
  now: Date,
): Promise<Audited<LifecycleResult>> {
  await lockConfig(tx);
  const route = await loadRoute(tx, input.key);
  if (!route) throw new DomainError("NOT_FOUND", `No route ${input.key}.`);
  if (input.expectedRevision !== undefined && input.expectedRevision !== route.revision) {
    throw new DomainError("CONFLICT", `${input.key} changed meanwhile (it is now ${route.status}); reload and try again.`);
  }
  const routes = await loadRoutes(tx);
  const state = await loadCapabilities(tx);
  const freeze = await freezeAt(tx, now);
  const decision = decide(route, input.action, { now, readiness: readinessOf(state, route, now), routes, freeze });
  if (!decision.ok) {
    throw new DomainError(
      decision.code,
      decision.message,
      decision.laggingCells
        ? { laggingCells: decision.laggingCells }
        : decision.field
          ? { [decision.field]: [decision.message] }
          : undefined,
    );
  }
  const next = decision.next;
  const row = await tx.gatewayRoute.update({
    where: { method_path: { method: route.method, path: route.path } },
    data: { ...next, revision: { increment: 1 }, updatedBy: actor },
  });
  const version = await bumpConfig(tx, actor);
  const reason = input.action.kind === "enable" && decision.forced ? input.action.force!.reason.trim() : null;
  const event: AuditInput = {
    action: decision.forced ? "route.enable.forced" : decision.event,
    targetType: "route",
    targetId: routeKey(route),
    before: lifecycleView(route),
    after: {
      ...lifecycleView(next),
      configVersion: version,
      ...(decision.forced ? { forced: true, lagging: readinessOf(state, route, now).lagging.map((c) => c.cell) } : {}),
    },
    reason,
  };
  return { data: { route: toStored(row), version, forced: decision.forced }, audit: [event] };
}

// ---- Resolver -----------------------------------------------------------------------------------

export async function cellRouterUrl(db: Reader): Promise<string> {
  return (await readSetting(db, CELL_ROUTER_SETTING)).value.url;
}

export interface ResolveAnswer extends Omit<Resolution, "outcome" | "status"> {
  outcome: Resolution["outcome"] | "cell_not_ready";
  status: Resolution["status"] | 503;
  request: { method: string; path: string };
  configVersion: number;
  /** With `customer`: the customer's home cell, whether it serves the route's handlers, and what it runs. */
  cell: { customer: string; id: string; capability: CellReadinessState; running: string | null } | null;
}

export async function resolveFor(db: Reader, req: { method: string; path: string; customer?: string }, now: Date): Promise<ResolveAnswer> {
  const [routes, router, cfg] = await Promise.all([loadRoutes(db), cellRouterUrl(db), configVersion(db)]);
  let cell: ResolveAnswer["cell"] = null;
  const resolution = resolveRequest(routes, req, router);
  if (req.customer) {
    const customer = await db.customer.findUnique({ where: { id: req.customer }, select: { id: true, homeCellId: true } });
    if (!customer) throw new DomainError("INVALID", `Unknown customer ${req.customer}.`, { customer: ["unknown customer"] });
    const route = resolution.route;
    let capability: CellReadinessState = "missing";
    let running: string | null = null;
    if (route) {
      const [caps, cs] = await Promise.all([
        db.apiCapability.findMany({ where: { cellId: customer.homeCellId, serviceId: route.service } }),
        db.cellService.findUnique({ where: { cellId_serviceId: { cellId: customer.homeCellId, serviceId: route.service } } }),
      ]);
      running = cs?.observedVersion ?? null;
      const index = indexCapabilities(caps, [{ cellId: customer.homeCellId, serviceId: route.service, version: running }]);
      capability = cellReadiness(customer.homeCellId, route.service, route.version, index, now).state;
    }
    cell = { customer: customer.id, id: customer.homeCellId, capability, running };
    // A route served at the edge while this customer's home cell lacks its handlers (a forced enable,
    // or a cell rolled back since): the request would reach a cell that cannot answer it.
    if (resolution.outcome === "routed" && route && capability !== "ready") {
      return {
        ...resolution,
        outcome: "cell_not_ready",
        status: 503,
        backend: null,
        route: tableFields(route),
        request: { method: req.method.toUpperCase(), path: req.path },
        configVersion: cfg.version,
        cell,
        message: `${routeKey(route)} is ${route.status} at the edge, but ${customer.homeCellId} (home cell of ${customer.id}) does not serve ${route.service} ${route.version} (it runs ${route.service} ${running ?? "an unreported version"}; capability ${capability}). The edge answers 503 with Retry-After for this customer until the cell serves it; the route's lagging cells are in the edge config.`,
      };
    }
  }
  return {
    ...resolution,
    route: resolution.route ? tableFields(resolution.route) : null,
    request: { method: req.method.toUpperCase(), path: req.path },
    configVersion: cfg.version,
    cell,
  };
}

// ---- The config the Landing Zone polls ------------------------------------------------------------

/**
 * The table and its version read in one REPEATABLE READ snapshot, so an ETag never labels a table of
 * another version (a poller holding a newer ETag than its body would get 304s for stale routes).
 */
export async function configSnapshot(
  db: Db,
  now = new Date(),
): Promise<{ routes: StoredRoute[]; version: ConfigVersion; unready: Record<string, string[]> }> {
  return db.$transaction(
    async (tx) => {
      const version = await configVersion(tx);
      const routes = await loadRoutes(tx);
      const state = await loadCapabilities(tx);
      // Served routes whose handlers some active cell does not serve now (a forced enable, a rollback since).
      const unready: Record<string, string[]> = {};
      for (const r of routes) {
        if (!isServed(r.status)) continue;
        const lagging = readinessOf(state, r, now).lagging.map((c) => c.cell);
        if (lagging.length) unready[routeKey(r)] = lagging;
      }
      return { version, routes, unready };
    },
    { isolationLevel: "RepeatableRead" },
  );
}
