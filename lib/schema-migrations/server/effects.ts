// Performing a migration machine's effects, in the transition's transaction: the releases of its
// deployment phases (each on the cells ready for its code, at the run's own speed), their rollbacks,
// and its events. Release ids are written back into the document before it is persisted. Returns the
// audit events: those of the releases it starts or aborts first, then its own.
import type { AuditInput } from "@/lib/audit/events";
import type { Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import { commandRelease } from "@/lib/rollouts/server/release-store";
import { startRelease } from "@/lib/rollouts/server/start";
import type { Effect, RunDoc } from "../machine";
import { ACTIVE_RELEASE } from "../run-model";

type StartEffect = Extract<Effect, { kind: "startRelease" }>;
type RollbackEffect = Extract<Effect, { kind: "rollbackRelease" }>;

interface Performed {
  releases: AuditInput[];
  own: AuditInput[];
}

const isActiveRelease = (s: string) => (ACTIVE_RELEASE as string[]).includes(s);

/** A deployment phase's release, on the cells ready for it; or why it waits (another release of the service rolls). */
async function startPhaseRelease(tx: Tx, id: string, doc: RunDoc, e: StartEffect, now: Date, out: Performed) {
  const p = doc.phases[e.phase]!;
  const active = await tx.release.findFirst({ where: { status: { in: ACTIVE_RELEASE } }, select: { id: true, versions: true } });
  if (active && e.service in (active.versions as Record<string, string>)) {
    p.waiting = `waiting for release ${active.id} of ${e.service} to finish before ${e.service} ${e.version} can roll`;
    return;
  }
  const prev = await tx.$queryRaw<{ v: string | null }[]>`
    SELECT mode() WITHIN GROUP (ORDER BY desired_version) AS v FROM cell_services WHERE service_id = ${e.service}`;
  const catchUp = (p.releases ?? []).length > 0;
  // The migration's starter is the release's starter, so four-eyes holds on its gates too.
  const r = await startRelease(
    tx,
    {
      pipeline: e.pipeline,
      versions: { [e.service]: e.version },
      title: `${e.service} ${e.version} — migration ${id} (${p.name}${catchUp ? `, ${e.cells.join(", ")}` : ""})`,
    },
    doc.startedBy ?? `migration:${id}`,
    now,
    { cells: e.cells, timeScale: doc.timeScale },
  );
  out.releases.push(...r.audit);
  p.releaseId = r.data.id;
  (p.releases ??= []).push({ id: r.data.id, cells: e.cells });
  if (!catchUp) p.previousVersion = prev[0]?.v ?? null;
  p.waiting = null;
  out.own.push({
    action: "migration.release",
    targetType: "migration",
    targetId: id,
    after: { phase: p.name, release: r.data.id, version: e.version, previous: p.previousVersion, cells: e.cells, speed: doc.timeScale },
  });
}

/** A deployment phase's rollback: abort its release if it still rolls, and restore the previous version on its cells. */
async function rollbackPhaseRelease(tx: Tx, id: string, doc: RunDoc, e: RollbackEffect, actor: string, now: Date, out: Performed) {
  const p = doc.phases[e.phase]!;
  const rel = await tx.release.findUnique({ where: { id: e.releaseId }, select: { status: true } });
  if (rel && isActiveRelease(rel.status)) {
    const aborted = await commandRelease(
      tx,
      e.releaseId,
      { kind: "abort", by: actor, reason: `migration ${id} rolled back` },
      actor,
      now,
      doc.timeScale,
    );
    out.releases.push(...aborted.audit);
  }
  if (!e.version) {
    p.rollbackReleaseId = e.releaseId;
    return;
  }
  const r = await startRelease(
    tx,
    {
      pipeline: e.pipeline,
      versions: { [e.service]: e.version },
      title: `${e.service} ${e.version} — rollback of migration ${id} (${p.name})`,
    },
    `migration:${id}`,
    now,
    { cells: e.cells, timeScale: doc.timeScale },
  ).catch((err) => {
    if (err instanceof DomainError && err.code === "CONFLICT") return null;
    throw err;
  });
  if (!r) {
    p.waiting = `waiting to start the rollback release of ${e.service} ${e.version}`;
    return;
  }
  out.releases.push(...r.audit);
  p.rollbackReleaseId = r.data.id;
  out.own.push({
    action: "migration.release_rollback",
    targetType: "migration",
    targetId: id,
    after: { phase: p.name, release: r.data.id, restores: `${e.service} ${e.version}`, cells: e.cells },
  });
}

export async function perform(tx: Tx, id: string, doc: RunDoc, effects: Effect[], actor: string, now: Date): Promise<AuditInput[]> {
  const out: Performed = { releases: [], own: [] };
  for (const e of effects) {
    if (e.kind === "startRelease") await startPhaseRelease(tx, id, doc, e, now, out);
    else if (e.kind === "rollbackRelease") await rollbackPhaseRelease(tx, id, doc, e, actor, now, out);
    else
      out.own.push({
        action: e.action,
        targetType: "migration",
        targetId: id,
        after: { detail: e.detail, phase: e.phase, cells: e.cells },
      });
  }
  return [...out.releases, ...out.own];
}
