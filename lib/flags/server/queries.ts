import "server-only";
// Read models for the flag pages and read APIs (the app's Prisma client; the CLI uses store.ts).
import { db } from "@/lib/db";
import { exposureModel } from "../exposure";
import type { Flag } from "../model";
import { previewFor, type FlagPreview } from "../preview";
import { effectiveRollout, nextStep } from "../schedule";
import { customerHome, customerHomes, getFlag, listFlags } from "./store";

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
  const [homes, customers, cells, history] = await Promise.all([
    customerHomes(db()),
    db().customer.findMany({ select: { id: true, name: true }, orderBy: { id: "asc" }, take: 2_000 }),
    db().cell.findMany({ where: { status: { not: "retired" } }, select: { id: true, tier: true, region: true }, orderBy: { id: "asc" } }),
    db().auditEvent.findMany({ where: { targetType: "flag", targetId: key }, orderBy: [{ at: "desc" }, { id: "desc" }], take: 30 }),
  ]);
  return {
    flag,
    effective: effectiveRollout(flag, now),
    next: nextStep(flag.schedule, now) ?? null,
    exposure: exposureModel(flag, homes),
    customers,
    cells,
    regions: [...new Set(cells.map((c) => c.region))].sort(),
    history,
  };
}

export async function flagPreview(key: string, customerId: string, now: Date): Promise<FlagPreview | null> {
  const flag = await getFlag(db(), key);
  if (!flag) return null;
  const customer = customerId.trim() ? await customerHome(db(), customerId.trim()) : null;
  return previewFor(flag, customerId, customer, now);
}
