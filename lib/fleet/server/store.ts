// Fleet registry I/O shared by the app and the CLI. Mutations take a transaction client and return
// their audit events with their result; the caller's door (server action or `withAudit`) writes
// them in the same transaction.
import type { Audited, AuditInput } from "@/lib/audit/events";
import type { Db, Tx } from "@/lib/db/client";
import { diffFleet, type FleetDiff, type FleetSpec, type RegistryCell } from "../fleet-yaml";

const FLEET_IMPORT_LOCK = 72_707_369_101;

export async function serviceCatalogue(db: Db | Tx): Promise<string[]> {
  const rows = await db.service.findMany({ orderBy: [{ sortOrder: "asc" }, { id: "asc" }], select: { id: true } });
  return rows.map((r) => r.id);
}

/** The registry in fleet-file terms: the template's services and every cell (retired included). */
export async function readRegistry(db: Db | Tx): Promise<{ services: string[]; cells: RegistryCell[] }> {
  const [catalogue, cells, used] = await Promise.all([
    serviceCatalogue(db),
    db.cell.findMany({ orderBy: { id: "asc" } }),
    db.cellService.findMany({ where: { cell: { status: { not: "retired" } } }, distinct: ["serviceId"], select: { serviceId: true } }),
  ]);
  const usedIds = new Set(used.map((u) => u.serviceId));
  return {
    services: catalogue.filter((s) => usedIds.has(s)),
    cells: cells.map((c) => ({ id: c.id, tier: c.tier, region: c.region, compliance: [...c.compliance].sort(), status: c.status })),
  };
}

/** Registry as a fleet spec (active and draining cells), in the file's order: tier, then id. */
export async function exportRegistry(db: Db | Tx): Promise<FleetSpec> {
  const reg = await readRegistry(db);
  const order = { canary: 0, smb: 1, enterprise: 2 } as const;
  return {
    services: reg.services,
    cells: reg.cells
      .filter((c) => c.status !== "retired")
      .sort((a, b) => order[a.tier] - order[b.tier] || a.id.localeCompare(b.id, "en", { numeric: true }))
      .map(({ status: _s, ...c }) => c),
  };
}

/** What an import of `spec` would change (nothing is written). */
export async function previewFleet(db: Db | Tx, spec: FleetSpec): Promise<FleetDiff> {
  return diffFleet(await readRegistry(db), spec);
}

/**
 * Make the registry match `spec` inside `tx`: add and update cells, retire cells missing from the
 * file, and give every active cell one row per template service. Returns one audit event per
 * changed cell plus one for the import itself. Serialised by a transaction-scoped advisory lock.
 */
export async function applyFleet(tx: Tx, spec: FleetSpec, source: string): Promise<Audited<FleetDiff>> {
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${FLEET_IMPORT_LOCK})`);
  const current = await readRegistry(tx);
  const diff = diffFleet(current, spec);
  const before = new Map(current.cells.map((c) => [c.id, c]));
  const audits: AuditInput[] = [];

  for (const c of spec.cells) {
    const prev = before.get(c.id);
    const data = { tier: c.tier, region: c.region, compliance: c.compliance, status: "active" as const };
    if (!prev) {
      await tx.cell.create({ data: { id: c.id, ...data } });
      audits.push({ action: "cell.create", targetType: "cell", targetId: c.id, after: data });
    } else if (diff.changed.some((ch) => ch.id === c.id)) {
      await tx.cell.update({ where: { id: c.id }, data });
      const { id: _id, ...was } = prev;
      audits.push({ action: "cell.update", targetType: "cell", targetId: c.id, before: was, after: data });
    }
  }
  for (const c of diff.removed) {
    await tx.cell.update({ where: { id: c.id }, data: { status: "retired" } });
    audits.push({
      action: "cell.retire",
      targetType: "cell",
      targetId: c.id,
      before: { status: before.get(c.id)?.status },
      after: { status: "retired" },
    });
  }
  if (diff.servicesRemoved.length) {
    // Samples carry no foreign key (the ingest hot path validates instead): remove them explicitly.
    await tx.healthSample.deleteMany({ where: { serviceId: { in: diff.servicesRemoved } } });
    await tx.cellService.deleteMany({ where: { serviceId: { in: diff.servicesRemoved } } });
  }
  // One row per active cell × template service; existing rows keep their versions.
  await tx.cellService.createMany({
    data: spec.cells.flatMap((c) => spec.services.map((s) => ({ cellId: c.id, serviceId: s }))),
    skipDuplicates: true,
  });
  audits.push({
    action: "fleet.import",
    targetType: "fleet",
    targetId: "fleet",
    after: {
      source,
      cells: spec.cells.length,
      added: diff.added.map((c) => c.id),
      retired: diff.removed.map((c) => c.id),
      changed: [...new Set(diff.changed.map((c) => c.id))],
      servicesAdded: diff.servicesAdded,
      servicesRemoved: diff.servicesRemoved,
    },
  });
  return { data: diff, audit: audits };
}
