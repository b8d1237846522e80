import "server-only";
import { db } from "@/lib/db";
import type { Db, Tx } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { type Consequences, consequences, type HomedCustomer } from "../consequences";
import { TIERS, type Tier } from "../fleet-yaml";

export interface FleetFilter {
  tier?: Tier;
  region?: string;
  q?: string;
}

export function parseFleetFilter(sp: Record<string, string | string[] | undefined>): FleetFilter {
  const one = (k: string) => (Array.isArray(sp[k]) ? sp[k][0] : sp[k]) || undefined;
  const tier = one("tier");
  return {
    tier: (TIERS as readonly string[]).includes(tier ?? "") ? (tier as Tier) : undefined,
    region: one("region"),
    q: one("q"),
  };
}

const TIER_ORDER: Record<Tier, number> = { canary: 0, smb: 1, enterprise: 2 };

export async function listCells(f: FleetFilter) {
  const where: Prisma.CellWhereInput = {
    status: { not: "retired" },
    ...(f.tier ? { tier: f.tier } : {}),
    ...(f.region ? { region: f.region } : {}),
    ...(f.q ? { id: { contains: f.q, mode: "insensitive" } } : {}),
  };
  const [cells, regions, services] = await Promise.all([
    db().cell.findMany({
      where,
      include: {
        services: { select: { serviceId: true, observedVersion: true, desiredVersion: true } },
        _count: { select: { customers: true } },
      },
    }),
    db().cell.findMany({
      where: { status: { not: "retired" } },
      distinct: ["region"],
      select: { region: true },
      orderBy: { region: "asc" },
    }),
    db().service.findMany({ orderBy: { sortOrder: "asc" } }),
  ]);
  cells.sort(
    (a, b) =>
      TIER_ORDER[a.tier] - TIER_ORDER[b.tier] || a.region.localeCompare(b.region) || a.id.localeCompare(b.id, "en", { numeric: true }),
  );
  return { cells, regions: regions.map((r) => r.region), services };
}

export async function getCell(id: string) {
  return db().cell.findUnique({
    where: { id },
    include: {
      services: { include: { service: true }, orderBy: { service: { sortOrder: "asc" } } },
      customers: { orderBy: { id: "asc" } },
    },
  });
}

export async function fleetCounts() {
  const rows = await db().cell.groupBy({ by: ["tier"], where: { status: { not: "retired" } }, _count: { _all: true } });
  return Object.fromEntries(rows.map((r) => [r.tier, r._count._all])) as Partial<Record<Tier, number>>;
}

/** The versions a cell should run, per service (GET /api/v1/cells/{cell}/desired), or null. */
export async function desiredVersions(cellId: string) {
  return db().cell.findUnique({
    where: { id: cellId },
    select: { id: true, status: true, services: { select: { serviceId: true, desiredVersion: true }, orderBy: { serviceId: "asc" } } },
  });
}

/** A cell and one of its services (with the service), for the service page; null when either is unknown. */
export async function cellService(cellId: string, serviceId: string) {
  const cell = await db().cell.findUnique({ where: { id: cellId } });
  const cs =
    cell && (await db().cellService.findUnique({ where: { cellId_serviceId: { cellId, serviceId } }, include: { service: true } }));
  return cell && cs ? { cell, cs } : null;
}

/** The customers homed in `cells` (by cell, then id), with their home cell's tier. */
export async function customersHomedIn(cells: string[], reader: Db | Tx = db()): Promise<HomedCustomer[]> {
  if (!cells.length) return [];
  const rows = await reader.customer.findMany({
    where: { homeCellId: { in: cells } },
    select: { id: true, name: true, plan: true, homeCellId: true, homeCell: { select: { tier: true } } },
    orderBy: [{ homeCellId: "asc" }, { id: "asc" }],
  });
  return rows.map((c) => ({ id: c.id, name: c.name, plan: c.plan, cell: c.homeCellId, tier: c.homeCell.tier }));
}

/** The cells a step touches, the customers homed in them and the enterprise ones (see lib/fleet/consequences.ts). */
export async function consequencesFor(cells: string[], reader: Db | Tx = db()): Promise<Consequences> {
  return consequences(cells, await customersHomedIn(cells, reader));
}
