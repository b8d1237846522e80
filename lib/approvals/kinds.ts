// One adapter per kind of gate: from what the domain stores to the gates waiting in it. A new kind
// (a policy change) is one more function here, one loader in server/queries.ts (`GATE_SOURCES`) and
// its decide actions in the inbox (app/(dashboard)/approvals).
import { diffSummary, type FlagChangeRequest, requestDiff, staleness } from "@/lib/flags/change-requests";
import type { ReleaseDoc } from "@/lib/rollouts/engine";
import type { RunDoc } from "@/lib/schema-migrations/machine";
import type { Gate } from "./gates";

/** A release as stored, for its gate. */
export interface ReleaseForGates {
  id: string;
  title: string;
  doc: ReleaseDoc;
}

/** A migration phase that started a release, to say which migration a release gate belongs to. */
export interface ReleaseOwner {
  migration: string;
  phase: string;
}

/**
 * The gate a release waits at, if any: its current wave awaits approval. A one-at-a-time wave is
 * planned as one wave per cell behind a single gate, so approving unblocks every cell of its group.
 */
export function releaseGates(r: ReleaseForGates, owner?: ReleaseOwner): Gate[] {
  const { doc } = r;
  const i = doc.current;
  const w = doc.waves[i];
  if (doc.status !== "awaiting_approval" || w?.state !== "AWAITING_APPROVAL") return [];
  const group = doc.waves.filter((x, k) => k >= i && x.group === w.group);
  const cells = [...new Set(group.flatMap((x) => x.cells))];
  const groups = [...new Set(doc.waves.map((x) => x.group))];
  const nth = groups.indexOf(w.group) + 1;
  return [
    {
      key: `release:${r.id}:${i}`,
      kind: "release",
      subject: { id: r.id, title: r.title, href: `/releases/${r.id}` },
      step: `wave ${w.group} (${nth} of ${groups.length})${group.length > 1 ? `, one cell at a time` : ""}`,
      change: Object.entries(doc.versions)
        .map(([s, v]) => `${s} ${v}`)
        .join(", "),
      cells,
      requestedBy: doc.startedBy,
      since: w.since,
      irreversible: false,
      confirm: null,
      notify: w.notify,
      partOf: owner
        ? { kind: "migration", id: owner.migration, href: `/migrations/${owner.migration}`, step: `phase ${owner.phase}` }
        : null,
      ref: { kind: "release", id: r.id, wave: i },
    },
  ];
}

/** A migration run as stored, for its gate; `updatedAt` dates gates of runs stored before steps kept their own time. */
export interface MigrationForGates {
  doc: RunDoc;
  updatedAt: Date;
}

/** The steps a migration waits at: any phase's step awaiting approval (cells advance on their own, so several may). */
export function migrationGates(run: MigrationForGates): Gate[] {
  const { doc } = run;
  if (doc.status !== "awaiting_approval") return [];
  return doc.phases.flatMap((p, i) =>
    p.steps.flatMap((s, k): Gate[] => {
      if (s.state !== "awaiting_approval") return [];
      const spec = doc.spec.phases[i];
      return [
        {
          key: `migration:${doc.id}:${i}:${k}`,
          kind: "migration",
          subject: {
            id: doc.id,
            title: doc.spec.description ? `${doc.id} — ${doc.spec.description}` : doc.id,
            href: `/migrations/${doc.id}`,
          },
          step: `phase ${p.name} (${i + 1} of ${doc.phases.length}), step ${k + 1} of ${p.steps.length}: ${s.patterns.join(", ")}`,
          change: spec && spec.type !== "deployment" ? `${p.name}: ${spec.script}` : p.name,
          cells: s.cells,
          requestedBy: doc.startedBy,
          since: s.awaitingSince ?? run.updatedAt.toISOString(),
          irreversible: p.irreversible,
          confirm: s.confirmRequired ? doc.id : null,
          notify: null,
          partOf: null,
          ref: { kind: "migration", id: doc.id, phase: i, step: k },
        },
      ];
    }),
  );
}

/** Which migration phase started each release (the releases of deployment phases). */
export function releaseOwners(runs: { doc: RunDoc }[]): Map<string, ReleaseOwner> {
  const out = new Map<string, ReleaseOwner>();
  for (const { doc } of runs)
    for (const p of doc.phases) {
      if (p.releaseId) out.set(p.releaseId, { migration: doc.id, phase: p.name });
      if (p.rollbackReleaseId) out.set(p.rollbackReleaseId, { migration: doc.id, phase: `${p.name} (rollback)` });
    }
  return out;
}

/** A cell, for the cells a flag's targeting reaches. */
export interface CellPlace {
  id: string;
  tier: string;
  region: string;
}

/** The cells whose customers a flag may reach: those its targeting (the proposed one) matches. */
export function reachedCells(targeting: unknown, cells: readonly CellPlace[]): string[] {
  const t = (targeting ?? {}) as { tiers?: string[]; cells?: string[]; regions?: string[] };
  const ok = (list: string[] | undefined, v: string) => !list?.length || list.includes(v);
  return cells.filter((c) => ok(t.tiers, c.tier) && ok(t.cells, c.id) && ok(t.regions, c.region)).map((c) => c.id);
}

/** A pending flag change request as a gate: its diff, the cells the flag reaches, and whether it went stale. */
export function flagChangeGates(req: FlagChangeRequest & { currentVersion: number }, cells: readonly CellPlace[]): Gate[] {
  if (req.status !== "pending") return [];
  const diff = requestDiff(req.before, req.after);
  const stale = staleness(req, req.currentVersion);
  return [
    {
      key: `flag:${req.id}`,
      kind: "flag",
      subject: {
        id: req.flagKey,
        title: `${req.flagKey} — change request #${req.id}`,
        href: `/flags/${req.flagKey}#change-request-${req.id}`,
      },
      step: `change request #${req.id} (${req.action})${req.requestComment ? `: “${req.requestComment}”` : ""}`,
      change: diffSummary(diff),
      cells: reachedCells(req.after.targeting, cells),
      requestedBy: req.requestedBy,
      since: req.requestedAt.toISOString(),
      irreversible: false,
      confirm: null,
      notify: null,
      partOf: null,
      ref: { kind: "flag", id: req.id },
      diff,
      ...(stale ? { stale } : {}),
    },
  ];
}
