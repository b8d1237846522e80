import "server-only";
// Reads for the cell and service views.
import { db, pool } from "@/lib/db";
import { classify, worst, statusSince, type Status } from "../classify";
import type { Thresholds } from "../thresholds";
import { healthSourceOn } from "../sources/server/current";
import { bucketFor, loadSeriesFrom, WINDOWS, type Point, type Window } from "./series";

/** Chart series of a cell's services through the health source in force (built-in: samples or rollups; Prometheus: range queries). */
export async function cellSeries(
  cellId: string,
  services: string[],
  window: Window,
  now: Date,
  fine = false,
): Promise<Record<string, Point[]>> {
  const { source: table, bucketMs } = bucketFor(window, fine);
  const from = new Date(now.getTime() - WINDOWS[window]);
  const source = healthSourceOn(pool());
  if (source.kind === "builtin") return loadSeriesFrom(pool(), cellId, services, from, bucketMs, table);
  return source.series(cellId, services, { from, to: now }, bucketMs);
}

export async function cellHealth(cellId: string, t: Thresholds, now: Date) {
  const rows = await db().serviceHealth.findMany({ where: { cellId } });
  const byService = new Map(rows.map((r) => [r.serviceId, r]));
  const services = await db().cellService.findMany({
    where: { cellId },
    include: { service: true },
    orderBy: { service: { sortOrder: "asc" } },
  });
  const list = services.map((cs) => {
    const h = byService.get(cs.serviceId);
    const c = classify(h ? { errorRate: h.errorRate, p99Ms: h.p99Ms, cpu: h.cpu } : null, h?.lastSampleAt ?? null, now, t);
    return {
      service: cs.serviceId,
      name: cs.service.name,
      status: c.status,
      reasons: c.reasons,
      since: statusSince(c, h ? { status: h.status as Status, since: h.statusSince } : null, h?.lastSampleAt ?? null, t),
      observedVersion: cs.observedVersion,
      desiredVersion: cs.desiredVersion,
      errorRate: h?.errorRate ?? null,
      p99Ms: h?.p99Ms ?? null,
      cpu: h?.cpu ?? null,
      rps: h?.rps ?? null,
      lastSampleAt: h?.lastSampleAt ?? null,
    };
  });
  return { services: list, status: worst(list.map((s) => s.status)) };
}

export async function openAlertsFor(cellId: string, serviceId?: string) {
  return db().alert.findMany({
    where: { cellId, status: "firing", ...(serviceId ? { OR: [{ serviceId }, { serviceId: null }] } : {}) },
    orderBy: [{ severity: "asc" }, { startedAt: "asc" }],
  });
}

export async function versionHistory(cellId: string, serviceId: string, take = 30) {
  return db().deploymentEvent.findMany({ where: { cellId, serviceId }, orderBy: { at: "desc" }, take });
}

export async function runbooks() {
  return db().runbook.findMany({ orderBy: { id: "asc" } });
}

export { pool };
