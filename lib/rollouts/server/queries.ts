import "server-only";
// Reads for the releases pages, the global view and the releases HTTP API (gates: lib/approvals).
// Webhook URLs are secrets: notify targets, delivery targets and their errors leave here redacted.
import { db } from "@/lib/db";
import { redactAuditEvent, redactDelivery, redactTarget } from "@/lib/secrets/redact";
import { keptWaves, type ReleaseDoc } from "../engine";
import { parseReleaseDoc } from "../release-doc";

export async function listReleases(take = 50) {
  const rows = await db().release.findMany({ orderBy: { startedAt: "desc" }, take, include: { pipeline: { select: { name: true } } } });
  return rows.map((r) => ({ ...r, doc: parseReleaseDoc(r.doc, r.id) }));
}

export async function getRelease(id: string) {
  const r = await db().release.findUnique({
    where: { id },
    include: {
      pipeline: { select: { id: true, name: true } },
      approvals: { orderBy: { decidedAt: "asc" } },
      checkResults: { orderBy: [{ wave: "asc" }, { id: "asc" }] },
      deliveries: { orderBy: { id: "desc" }, take: 100 },
    },
  });
  if (!r) return null;
  const audit = await db().auditEvent.findMany({
    where: { targetType: "release", targetId: id },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: 200,
  });
  return {
    ...r,
    deliveries: r.deliveries.map(redactDelivery),
    doc: redactDoc(parseReleaseDoc(r.doc, r.id)),
    audit: audit.map(redactAuditEvent),
  };
}

/** A release's plan with its notify targets redacted. */
const redactDoc = (doc: ReleaseDoc): ReleaseDoc => ({ ...doc, waves: doc.waves.map((w) => ({ ...w, notify: redactTarget(w.notify) })) });

export async function activeReleases() {
  const rows = await db().release.findMany({
    where: {
      OR: [
        { status: { in: ["running", "awaiting_approval", "paused", "rolling_back"] } },
        // Finished recently without all of it: waves may have kept the new version (mixed versions in the fleet).
        { status: { in: ["rolled_back", "aborted"] }, finishedAt: { gte: new Date(Date.now() - 7 * 24 * 3600_000) } },
      ],
    },
    orderBy: { startedAt: "asc" },
  });
  const docs = rows.map((r) => ({ r, doc: parseReleaseDoc(r.doc, r.id) }));
  // A kept wave counts while its cells are still meant to run the release's versions (no later release moved them).
  const keptCells = [...new Set(docs.flatMap(({ doc }) => keptWaves(doc).flatMap((w) => w.cells)))];
  const desired = keptCells.length
    ? await db().cellService.findMany({
        where: { cellId: { in: keptCells } },
        select: { cellId: true, serviceId: true, desiredVersion: true },
      })
    : [];
  const desiredOf = new Map(desired.map((d) => [`${d.cellId}/${d.serviceId}`, d.desiredVersion]));
  return docs.flatMap(({ r, doc }) => {
    const w = doc.waves[doc.current];
    const kept = keptWaves(doc).filter((k) =>
      k.cells.some((c) => Object.entries(doc.versions).some(([s, v]) => desiredOf.get(`${c}/${s}`) === v)),
    );
    if ((r.status === "rolled_back" || r.status === "aborted") && kept.length === 0) return [];
    return [
      {
        id: r.id,
        title: r.title,
        status: r.status,
        wave: doc.current + 1,
        waves: doc.waves.length,
        waveName: w?.name ?? "",
        waveState: w?.state ?? "",
        waiting: w?.waiting ?? null,
        /** Waves that kept the new version after the release ended. */
        kept: kept.map((k) => ({ name: k.name, cells: k.cells.length })),
        versions: Object.entries(doc.versions)
          .map(([s, v]) => `${s} ${v}`)
          .join(", "),
      },
    ];
  });
}

/** Customers homed in cells whose deploy waits for a maintenance window. */
export async function customersInWindowCells(doc: ReleaseDoc) {
  const cells = doc.waves.filter((w) => w.maintenanceWindow).flatMap((w) => w.cells);
  if (!cells.length) return [];
  return db().customer.findMany({ where: { homeCellId: { in: cells } }, orderBy: [{ homeCellId: "asc" }, { id: "asc" }] });
}

/** A release row (GET /api/v1/releases/{id}), or null; its plan's notify targets redacted. */
export async function releaseRow(id: string) {
  const r = await db().release.findUnique({ where: { id } });
  return r && { ...r, doc: redactDoc(r.doc as unknown as ReleaseDoc) as unknown as typeof r.doc };
}

/** What "start a release" offers: the pipelines, and each service with the versions cells run now. */
export async function releaseStartOptions() {
  const [pipelines, versions] = await Promise.all([
    db().pipeline.findMany({ orderBy: { id: "asc" }, select: { id: true, name: true } }),
    db().cellService.groupBy({ by: ["serviceId", "observedVersion"], _count: { _all: true }, orderBy: { serviceId: "asc" } }),
  ]);
  const services = [...new Set(versions.map((v) => v.serviceId))].map((id) => ({
    id,
    current: versions.filter((v) => v.serviceId === id && v.observedVersion).map((v) => v.observedVersion!),
  }));
  return { pipelines, services };
}

/** Observed and desired versions of a release's cells × services. */
export async function releaseCellVersions(doc: ReleaseDoc) {
  return db().cellService.findMany({
    where: { cellId: { in: [...new Set(doc.waves.flatMap((w) => w.cells))] }, serviceId: { in: Object.keys(doc.versions) } },
    select: { cellId: true, serviceId: true, observedVersion: true, desiredVersion: true },
  });
}
