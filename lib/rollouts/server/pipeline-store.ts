// Pipeline storage shared by the app, the CLI and the seed (so no `server-only` here). Saving takes
// a transaction client and returns its audit event for the caller's door to write in it.
import type { Audited } from "@/lib/audit/events";
import type { Db, Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import type { ParsedPipeline, PipelineSpec } from "../types";
import { parsePipelineSpec } from "../release-doc";

export interface StoredPipeline {
  id: string;
  name: string;
  description: string;
  format: ParsedPipeline["format"];
  /** The file as it was imported. */
  source: string;
  spec: PipelineSpec;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  updatedBy: string;
}

type Row = Omit<StoredPipeline, "format" | "spec"> & { format: string; spec: unknown };
const toStored = (r: Row): StoredPipeline => ({
  ...r,
  format: r.format as StoredPipeline["format"],
  spec: parsePipelineSpec(r.spec, r.id),
});

/** Cells a pipeline file may name: every cell of the registry that is not retired. */
export async function pipelineFleet(db: Db | Tx): Promise<{ id: string; tier: "canary" | "smb" | "enterprise"; status: string }[]> {
  return db.cell.findMany({
    where: { status: { not: "retired" } },
    select: { id: true, tier: true, status: true },
    orderBy: { id: "asc" },
  });
}

/**
 * Create or replace the pipeline `parsed.spec.id`. Each save bumps `version` (optimistically:
 * the update only applies to the version just read) and returns one `pipeline.import` audit event
 * with the spec before and after. Saves of one id are serialised by a transaction-scoped lock.
 */
export async function savePipeline(
  tx: Tx,
  parsed: ParsedPipeline,
  source: string,
  actor: string,
): Promise<Audited<{ created: boolean; version: number }>> {
  const { spec, format } = parsed;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`pipeline:${spec.id}`}))`;
  const prev = await tx.pipeline.findUnique({ where: { id: spec.id } });
  const data = { name: spec.name, description: spec.description, format, source, spec: JSON.parse(JSON.stringify(spec)), updatedBy: actor };
  let version: number;
  if (!prev) {
    await tx.pipeline.create({ data: { id: spec.id, ...data, version: 1 } });
    version = 1;
  } else {
    const updated = await tx.pipeline.updateMany({
      where: { id: spec.id, version: prev.version },
      data: { ...data, version: prev.version + 1 },
    });
    if (updated.count !== 1) throw new DomainError("CONFLICT", `Pipeline "${spec.id}" changed while saving; try again.`);
    version = prev.version + 1;
  }
  return {
    data: { created: !prev, version },
    audit: [{ action: "pipeline.import", targetType: "pipeline", targetId: spec.id, before: prev ? prev.spec : undefined, after: spec }],
  };
}

export async function listPipelines(db: Db | Tx): Promise<StoredPipeline[]> {
  return (await db.pipeline.findMany({ orderBy: { id: "asc" } })).map(toStored);
}

/** The version a save of pipeline `id` would make, and whether it would create it. */
export async function nextPipelineVersion(db: Db | Tx, id: string): Promise<{ created: boolean; version: number }> {
  const existing = await db.pipeline.findUnique({ where: { id }, select: { version: true } });
  return { created: !existing, version: existing ? existing.version + 1 : 1 };
}

export async function getPipeline(db: Db | Tx, id: string): Promise<StoredPipeline | null> {
  const row = await db.pipeline.findUnique({ where: { id } });
  return row ? toStored(row) : null;
}
