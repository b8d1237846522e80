import "server-only";
// Read models for the flag pages and read APIs (the app's Prisma client; the CLI uses store.ts).
import { db } from "@/lib/db";
import { cellExposure, exposureModel, heldBackCells } from "../exposure";
import type { Flag } from "../model";
import { previewFor, type FlagPreview } from "../preview";
import { effectiveRollout, nextStep } from "../schedule";
import { checkResultSchema } from "@/lib/rollouts/release-doc";
import { readColumn } from "@/lib/json-column";
import { z } from "zod";
import { flagChangesOf } from "./change-requests";
import { cellVersions, customersWithVersions, ownerChannel } from "./guard-store";
import { customerHome, getFlag, listFlags } from "./store";

export interface FlagRow {
  flag: Flag;
  effective: ReturnType<typeof effectiveRollout>;
  next: { at: Date; percentage: number } | null;
}

export async function flagsOverview(now: Date): Promise<FlagRow[]> {
  const flags = await listFlags(db());
  return flags.map((flag) => ({ flag, effective: effectiveRollout(flag, now), next: nextStep(flag.schedule, now) ?? null }));
}

export async function flagDetail(key: string, now: Date) {
  const flag = await getFlag(db(), key);
  if (!flag) return null;
  const [homes, customers, cells, history, versions, status, deliveries, services, changeRequests] = await Promise.all([
    customersWithVersions(db()),
    db().customer.findMany({ select: { id: true, name: true }, orderBy: { id: "asc" }, take: 2_000 }),
    db().cell.findMany({ where: { status: { not: "retired" } }, select: { id: true, tier: true, region: true }, orderBy: { id: "asc" } }),
    db().auditEvent.findMany({ where: { targetType: "flag", targetId: key }, orderBy: [{ at: "desc" }, { id: "desc" }], take: 30 }),
    cellVersions(db()),
    db().flagGuardStatus.findUnique({ where: { flagKey: key } }),
    db().delivery.findMany({ where: { flagKey: key }, orderBy: { id: "desc" }, take: 10 }),
    db().service.findMany({ select: { id: true }, orderBy: { sortOrder: "asc" } }),
    flagChangesOf(db(), key),
  ]);
  return {
    flag,
    effective: effectiveRollout(flag, now),
    next: nextStep(flag.schedule, now) ?? null,
    exposure: exposureModel(flag, homes),
    heldBack: heldBackCells(
      flag,
      cells.map((c) => ({ id: c.id, versions: versions.get(c.id) ?? {} })),
      homes,
    ),
    guard: status ? { ...status, results: readColumn(z.array(checkResultSchema), status.results, "flag_guard_status.results", key) } : null,
    notifyTarget: ownerChannel(flag),
    deliveries,
    customers,
    cells,
    services: services.map((s) => s.id),
    regions: [...new Set(cells.map((c) => c.region))].sort(),
    history,
    changeRequests,
  };
}

/** Per cell: customers homed there and how many the flag is on for now. */
export async function flagCells(key: string, now: Date) {
  const flag = await getFlag(db(), key);
  if (!flag) return null;
  const byCell = cellExposure(flag, await customersWithVersions(db()), now);
  return {
    key,
    effectivePercentage: effectiveRollout(flag, now).percentage,
    cells: [...byCell].sort(([a], [b]) => a.localeCompare(b)).map(([cell, e]) => ({ cell, ...e })),
  };
}

export async function flagPreview(key: string, customerId: string, now: Date): Promise<FlagPreview | null> {
  const flag = await getFlag(db(), key);
  if (!flag) return null;
  const customer = customerId.trim() ? await customerHome(db(), customerId.trim()) : null;
  return previewFor(flag, customerId, customer, now);
}
