// Importing pipelines, with four-eyes on policy changes. An import that removes or weakens an
// approval gate, removes checks or changes notify targets (lib/rollouts/policy.ts) is not applied:
// it is stored as a pending change, and a release manager or admin other than its proposer approves
// (applying it as a new version) or rejects it. Shared by the app and the CLI (no `server-only`).
// Changes return their audit events for the caller's door to write in the same transaction.
//
// Adapter point for an approvals inbox: `pendingPipelineChanges` lists what waits, and
// `decidePipelineChange` decides one; both take explicit ids and actors.
import type { Audited, AuditInput } from "@/lib/audit/events";
import type { Db, Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import { effectiveAllowlist } from "@/lib/settings/outbound";
import { readSetting, SETTINGS } from "@/lib/settings/server/store";
import { SpecValidationError } from "@/lib/yaml-errors";
import { notifyTargetErrors, restoreRedactedTargets } from "../notify-targets";
import { type PolicyChange, policyChanges } from "../policy";
import type { ParsedPipeline, PipelineSpec } from "../types";
import { getPipeline, pipelineFleet, savePipeline } from "./pipeline-store";

export type ImportOutcome =
  | { applied: true; created: boolean; version: number; changes: [] }
  | { applied: false; created: boolean; version: number; changes: PolicyChange[]; pendingId: string };

const lock = (tx: Tx, id: string) => tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`pipeline:${id}`}))`;

/** The outbound allowlist in force (lib/settings/outbound.ts). */
async function allowlist(tx: Db | Tx) {
  const [rollouts, outbound, alerting] = await Promise.all([
    readSetting(tx, SETTINGS.rollouts),
    readSetting(tx, SETTINGS.outbound),
    readSetting(tx, SETTINGS.alerting),
  ]);
  return effectiveAllowlist(outbound.value, rollouts.value, alerting.value);
}

/**
 * What an import of `parsed` would do, without changing anything: the stored version it replaces,
 * its policy changes, and the spec to store (redacted notify targets restored from the stored
 * pipeline). A notify target off the outbound allowlist, or a redacted one that matches nothing
 * stored, is a file error.
 */
export async function planImport(tx: Db | Tx, parsed: ParsedPipeline, source: string) {
  const prev = await getPipeline(tx, parsed.spec.id);
  const restored = restoreRedactedTargets(parsed.spec, prev?.spec ?? null, source);
  const errors = [...restored.errors, ...notifyTargetErrors(restored.spec, await allowlist(tx), source)];
  if (errors.length) throw new SpecValidationError(errors);
  const changes = policyChanges(prev?.spec ?? null, restored.spec, await pipelineFleet(tx));
  return { prev, spec: restored.spec, changes, created: !prev, version: (prev?.version ?? 0) + 1 };
}

/**
 * Import a pipeline file: applied as a new version when it changes no policy, else stored as a
 * pending change (the same proposer sending the same file again gets the same pending change).
 */
export async function importPipeline(
  tx: Tx,
  parsed: ParsedPipeline,
  source: string,
  actor: string,
  now: Date,
): Promise<Audited<ImportOutcome>> {
  await lock(tx, parsed.spec.id);
  const plan = await planImport(tx, parsed, source);
  if (plan.changes.length === 0) {
    const saved = await savePipeline(tx, { ...parsed, spec: plan.spec }, source, actor);
    return { data: { applied: true, ...saved.data, changes: [] }, audit: saved.audit };
  }
  const baseVersion = plan.prev?.version ?? 0;
  const same = await tx.pipelineChange.findFirst({
    where: { pipelineId: plan.spec.id, status: "pending", proposedBy: actor, baseVersion, source },
  });
  if (same)
    return {
      data: { applied: false, created: plan.created, version: plan.version, changes: plan.changes, pendingId: same.id.toString() },
      audit: [],
    };
  const row = await tx.pipelineChange.create({
    data: {
      pipelineId: plan.spec.id,
      baseVersion,
      format: parsed.format,
      source,
      spec: JSON.parse(JSON.stringify(plan.spec)),
      changes: JSON.parse(JSON.stringify(plan.changes)),
      proposedBy: actor,
      proposedAt: now,
    },
  });
  return {
    data: { applied: false, created: plan.created, version: plan.version, changes: plan.changes, pendingId: row.id.toString() },
    audit: [
      {
        action: "pipeline.change_propose",
        targetType: "pipeline_change",
        targetId: row.id.toString(),
        after: { pipeline: plan.spec.id, baseVersion, changes: plan.changes.map((c) => c.text), spec: plan.spec },
      },
    ],
  };
}

export interface PipelineChangeRow {
  id: string;
  pipelineId: string;
  baseVersion: number;
  format: ParsedPipeline["format"];
  source: string;
  spec: PipelineSpec;
  changes: PolicyChange[];
  status: "pending" | "approved" | "rejected";
  proposedBy: string;
  proposedAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  comment: string | null;
}

type Raw = Awaited<ReturnType<Tx["pipelineChange"]["findUniqueOrThrow"]>>;
const toRow = (r: Raw): PipelineChangeRow => ({
  ...r,
  id: r.id.toString(),
  format: r.format as PipelineChangeRow["format"],
  spec: r.spec as unknown as PipelineSpec,
  changes: r.changes as unknown as PolicyChange[],
  status: r.status as PipelineChangeRow["status"],
});

const parseId = (id: string) => {
  if (!/^\d{1,18}$/.test(id)) throw new DomainError("NOT_FOUND", `no pipeline change ${id}`);
  return BigInt(id);
};

export async function getPipelineChange(db: Db | Tx, id: string): Promise<PipelineChangeRow | null> {
  const r = await db.pipelineChange.findUnique({ where: { id: parseId(id) } });
  return r ? toRow(r) : null;
}

/** Changes waiting for a decision, oldest first (optionally of one pipeline). */
export async function pendingPipelineChanges(db: Db | Tx, pipelineId?: string): Promise<PipelineChangeRow[]> {
  const rows = await db.pipelineChange.findMany({
    where: { status: "pending", ...(pipelineId ? { pipelineId } : {}) },
    orderBy: [{ proposedAt: "asc" }, { id: "asc" }],
  });
  return rows.map(toRow);
}

export type ChangeDecision = { kind: "approve"; by: string; comment: string } | { kind: "reject"; by: string; comment: string };

/**
 * Approve or reject a pending change, once: the row is locked, so two deciders at the same moment
 * make one decision (the second is told who decided). Approving needs someone other than the
 * proposer, and the pipeline still at the version the change was proposed against; it applies the
 * change as a new version in the proposer's name. The proposer may reject (withdraw) their own.
 */
export async function decidePipelineChange(
  tx: Tx,
  id: string,
  d: ChangeDecision,
  now: Date,
): Promise<Audited<{ pipelineId: string; version: number | null }>> {
  const key = parseId(id);
  const locked = await tx.$queryRaw<{ id: bigint }[]>`SELECT id FROM pipeline_changes WHERE id = ${key} FOR UPDATE`;
  if (!locked.length) throw new DomainError("NOT_FOUND", `no pipeline change ${id}`);
  const c = toRow(await tx.pipelineChange.findUniqueOrThrow({ where: { id: key } }));
  if (c.status !== "pending")
    throw new DomainError(
      "CONFLICT",
      `This change was already ${c.status} by ${c.decidedBy} at ${c.decidedAt?.toISOString().slice(0, 16).replace("T", " ")} UTC.`,
    );
  const audit: AuditInput[] = [];
  let version: number | null = null;
  if (d.kind === "approve") {
    if (d.by === c.proposedBy)
      throw new DomainError("PRECONDITION", "four-eyes: the person who proposed a policy change cannot approve it");
    await lock(tx, c.pipelineId);
    const current = await getPipeline(tx, c.pipelineId);
    if ((current?.version ?? 0) !== c.baseVersion)
      throw new DomainError(
        "CONFLICT",
        `Pipeline ${c.pipelineId} changed since this was proposed (version ${c.baseVersion} → ${current?.version ?? 0}); import the file again.`,
      );
    const errors = notifyTargetErrors(c.spec, await allowlist(tx), c.source);
    if (errors.length)
      throw new DomainError("PRECONDITION", `The outbound allowlist no longer admits it: ${errors.map((e) => e.message).join("; ")}`);
    const saved = await savePipeline(tx, { spec: c.spec, format: c.format }, c.source, c.proposedBy);
    version = saved.data.version;
    audit.push(...saved.audit.map((e) => ({ ...e, actor: c.proposedBy, reason: `change #${id}, approved by ${d.by}: ${d.comment}` })));
  }
  const status = d.kind === "approve" ? "approved" : "rejected";
  await tx.pipelineChange.update({ where: { id: key }, data: { status, decidedBy: d.by, decidedAt: now, comment: d.comment } });
  audit.push({
    action: `pipeline.change_${d.kind}`,
    targetType: "pipeline_change",
    targetId: id,
    before: { status: "pending" },
    after: { status, pipeline: c.pipelineId, ...(version ? { version } : {}) },
    reason: d.comment,
  });
  return { data: { pipelineId: c.pipelineId, version }, audit };
}
