// The seed's rollback rules (pure), for the whole migration and for one cell:
//   expand → drop the new column · migrate code → roll the code back · backfill → stop ·
//   contract → refused: the point of no return (the old column is gone).
// A whole-migration rollback walks the phases back one at a time (advanceRollback); a cell's rollback
// undoes its latest phase only.
import { cellOf, event, isActive, type Observations, type PhaseRun, type RunState, releaseActive, setCell, type Step } from "./run-model";

export interface RollbackOption {
  allowed: boolean;
  /** What a rollback would do, or why it is not offered. */
  reason: string;
  action?: "stop_backfill" | "revert_schema";
  phase?: string;
}

const touched = (state: RunState, p: PhaseRun) => state.doc.spec.cells.filter((c) => cellOf(state, c, p.name).status !== "pending");

/** The first irreversible phase any cell has started, and on which cells. */
export function contractStarted(state: RunState): { phase: string; cells: string[] } | null {
  for (const p of state.doc.phases.filter((x) => x.irreversible)) {
    const cells = touched(state, p);
    if (cells.length) return { phase: p.name, cells };
  }
  return null;
}

/** True until any cell has started an irreversible (contract) phase: the point of no return. */
export const canRollback = (state: RunState) => contractStarted(state) === null;

/** The last phase anything happened in: where a whole-migration rollback starts. */
export function lastTouched(state: RunState): number {
  for (let i = state.doc.phases.length - 1; i >= 0; i--) {
    const p = state.doc.phases[i]!;
    if (p.releaseId || touched(state, p).length) return i;
  }
  return -1;
}

/** What rolling back the whole migration would do, or why it is not offered. */
export function migrationRollback(state: RunState): RollbackOption {
  const { doc } = state;
  if (!isActive(doc.status) && doc.status !== "failed")
    return { allowed: false, reason: doc.status === "ready" ? "nothing has run yet" : `the migration has ${doc.status.replace("_", " ")}` };
  if (doc.status === "rolling_back") return { allowed: false, reason: "a rollback is already in progress" };
  const contract = contractStarted(state);
  if (contract)
    return {
      allowed: false,
      reason: `point of no return: ${contract.phase} has started on ${contract.cells.join(", ")} — the old column is gone there, so the migration can only go forward`,
    };
  const steps: string[] = [];
  for (let i = lastTouched(state); i >= 0; i--) {
    const p = doc.phases[i]!;
    const spec = doc.spec.phases[i]!;
    const cells = touched(state, p);
    if (!cells.length && !p.releaseId) continue;
    if (spec.type === "data") steps.push(`stop ${p.name} (no harm: rows keep what they have)`);
    if (spec.type === "deployment")
      steps.push(`roll back the code release of ${spec.service} ${spec.version}${p.releaseId ? ` (${p.releaseId})` : ""}`);
    if (spec.type === "schema") steps.push(`undo ${p.name} on ${cells.length} cell${cells.length === 1 ? "" : "s"} (drop the new column)`);
  }
  if (!steps.length) return { allowed: false, reason: "no cell has changed yet; nothing to roll back" };
  return { allowed: true, reason: steps.join(", then ") };
}

/** The rollback rules for one cell: its latest phase, walking back over stopped backfills. */
export function cellRollback(state: RunState, cell: string): RollbackOption {
  const { doc } = state;
  if (!isActive(doc.status) && doc.status !== "failed")
    return { allowed: false, reason: `the migration has ${doc.status.replace("_", " ")}` };
  if (doc.status === "rolling_back") return { allowed: false, reason: "the whole migration is rolling back" };
  const st = (name: string) => cellOf(state, cell, name).status;
  const irreversible = doc.phases.find((p) => p.irreversible && st(p.name) !== "pending");
  if (irreversible)
    return { allowed: false, reason: `${irreversible.name} has started on ${cell}: the old column is gone — cannot be undone` };
  for (let i = doc.phases.length - 1; i >= 0; i--) {
    const p = doc.phases[i]!;
    const s = st(p.name);
    if (p.type === "data" && (s === "running" || s === "failed"))
      return {
        allowed: true,
        action: "stop_backfill",
        phase: p.name,
        reason: `stop ${p.name} on ${cell} (no harm; it resumes from its checkpoint when retried)`,
      };
    if (p.type === "deployment" && s !== "pending" && s !== "rolled_back")
      return {
        allowed: false,
        reason: `${cell} runs (or may run) the code of ${p.name}, which may write the new column; roll back the whole migration so the code release is rolled back first`,
      };
    if (p.type === "schema" && ["complete", "failed", "running"].includes(s))
      return {
        allowed: true,
        action: "revert_schema",
        phase: p.name,
        reason: `undo ${p.name} on ${cell} (drop the new column; no data loss)`,
      };
  }
  return { allowed: false, reason: `nothing to roll back on ${cell}` };
}

/** Cells a deployment phase's rollback restores: those its releases reached or were reaching. */
const codeCells = (state: RunState, p: PhaseRun) =>
  state.doc.spec.cells.filter((c) => ["complete", "running"].includes(cellOf(state, c, p.name).status));

/** A deployment phase's rollback: abort its release and restore the previous version where it went. */
function rollbackCode(step: Step, i: number, obs: Observations, next: () => void) {
  const { state } = step;
  const p = state.doc.phases[i]!;
  const spec = state.doc.spec.phases[i]!;
  if (spec.type !== "deployment" || !p.releaseId) return next();
  const done = () => {
    for (const c of touched(state, p)) setCell(state, c, p.name, "rolled_back");
    p.waiting = null;
    next();
  };
  if (!p.rollbackReleaseId) {
    const cells = codeCells(state, p);
    if (!cells.length) return done();
    step.effects.push({
      kind: "rollbackRelease",
      phase: i,
      releaseId: p.releaseId,
      service: spec.service,
      version: p.previousVersion,
      pipeline: spec.pipeline,
      cells,
    });
    p.waiting = `rolling back the code release ${p.releaseId}`;
    return;
  }
  const rb = obs.releases[p.rollbackReleaseId];
  if (rb && !releaseActive(rb.status)) return done();
  p.waiting = `waiting for ${p.rollbackReleaseId} to restore ${spec.service} ${p.previousVersion ?? "(previous)"}`;
}

/** Undo phases from the last touched one down to the first, one at a time. */
export function advanceRollback(step: Step, obs: Observations, now: Date) {
  const { doc } = step.state;
  const i = doc.rollbackAt;
  if (i === null || i < 0) {
    doc.status = "rolled_back";
    doc.rollbackAt = null;
    event(step, "migration.rolled_back", doc.endReason ?? "rolled back");
    return;
  }
  const p = doc.phases[i]!;
  const next = () => {
    if (p.status !== "pending") {
      p.status = "rolled_back";
      p.finishedAt = now.toISOString();
    }
    doc.rollbackAt = i - 1;
  };
  const { state } = step;
  if (p.type === "data") {
    for (const c of doc.spec.cells) if (cellOf(state, c, p.name).status === "running") setCell(state, c, p.name, "stopped");
    return next();
  }
  if (p.type === "deployment") return rollbackCode(step, i, obs, next);
  if (p.irreversible) return next(); // never reached: rollback is refused once contract started
  for (const c of doc.spec.cells)
    if (["running", "complete", "failed"].includes(cellOf(state, c, p.name).status)) setCell(state, c, p.name, "rolling_back");
  const reverting = doc.spec.cells.filter((c) => cellOf(state, c, p.name).status === "rolling_back");
  if (reverting.length) {
    p.waiting = `dropping the new column on ${reverting.join(", ")}`;
    return;
  }
  p.waiting = null;
  next();
}
