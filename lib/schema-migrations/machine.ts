// The migration orchestrator: a pure state machine over every cell's own progress.
//   tick(state, observations, now)  → next state + effects   (advanced by the ticker)
//   command(state, command, now)    → next state + effects   (a person's decision)
// State = the run document (phases, steps, releases, approvals) + every cell's status per phase
// (./run-model.ts). Each cell advances on its own as soon as its previous phase is done and the phase's
// rule allows it (./cells.ts, ./phases.ts); a failed cell holds only itself and what follows it in the
// manifest's order. Cell work itself (SQL in direct mode, the cell's tooling in agent mode) moves cells
// from running to complete/failed outside the machine.
import { fourEyes, MIGRATION_STEP } from "@/lib/approvals/four-eyes";
import { blocker, isRed, phaseDone } from "./cells";
import type { MigrationSpec } from "./manifest";
import { advanceData, advanceDeployment, advanceSchema, markHolds } from "./phases";
import { advanceRollback, canRollback, cellRollback, lastTouched, migrationRollback } from "./rollback";
import {
  blankCell,
  type Cells,
  cellOf,
  event,
  HOLDING,
  isActive,
  MachineError,
  type Observations,
  type PhaseRun,
  type RunState,
  releaseActive,
  setCell,
  type Step,
} from "./run-model";

export { blocker, cellViews, phaseDone, type CellView, verified } from "./cells";
export { canRollback, cellRollback, contractStarted, migrationRollback, type RollbackOption } from "./rollback";
export * from "./run-model";

/** A new run of a manifest: every cell pending in every phase. */
export function newRun(spec: MigrationSpec): RunState {
  const phases: PhaseRun[] = spec.phases.map((p) => ({
    name: p.name,
    type: p.type,
    status: "pending",
    irreversible: p.type === "schema" && p.irreversible,
    step: 0,
    steps:
      p.type === "schema"
        ? p.steps.map((s) => ({
            cells: s.cells,
            patterns: s.patterns,
            waitMs: s.waitMs,
            requiresApproval: s.requiresApproval,
            confirmRequired: p.irreversible && s.requiresApproval && s.cells.some((c) => spec.tiers[c] === "enterprise"),
            state: "pending",
            waitUntil: null,
            decision: null,
          }))
        : [],
    releaseId: null,
    releases: [],
    previousVersion: null,
    rollbackReleaseId: null,
    waiting: null,
    startedAt: null,
    finishedAt: null,
  }));
  const cells: Cells = Object.fromEntries(spec.cells.map((c) => [c, Object.fromEntries(spec.phases.map((p) => [p.name, blankCell()]))]));
  const doc = {
    id: spec.id,
    spec,
    status: "ready" as const,
    startedBy: null,
    startedAt: null,
    timeScale: 1,
    current: 0,
    phases,
    canRollback: true,
    rollbackAt: null,
    endReason: null,
  };
  return { doc, cells };
}

/** Start a ready run at a speed: its waits, and the bakes of the releases it starts, are divided by it. */
export function start(input: RunState, by: string, now: Date, timeScale: number): Step {
  if (input.doc.status !== "ready")
    throw new MachineError("CONFLICT", `the migration is ${input.doc.status.replace("_", " ")}; it can start only once`);
  const step: Step = { state: structuredClone(input), effects: [] };
  const doc = step.state.doc;
  doc.status = "running";
  doc.startedBy = by;
  doc.startedAt = now.toISOString();
  doc.timeScale = timeScale;
  event(step, "migration.start", `started by ${by}${timeScale !== 1 ? ` at speed ×${timeScale}` : ""}`);
  return step;
}

const snapshot = (s: RunState) => JSON.stringify(s);

/** Advance every cell as far as its phases, the steps, the releases and the observations allow. */
export function tick(input: RunState, obs: Observations, now: Date): Step {
  const step: Step = { state: structuredClone(input), effects: [] };
  const forward = input.doc.status === "running" || input.doc.status === "awaiting_approval";
  for (let guard = 0; guard < 64; guard++) {
    const before = snapshot(step.state);
    if (forward) advance(step, obs, now);
    else if (step.state.doc.status === "rolling_back") advanceRollback(step, obs, now);
    if (snapshot(step.state) === before) break;
  }
  if (forward) settleRun(step, obs);
  step.state.doc.canRollback = canRollback(step.state);
  step.effects = latestReleaseEffects(step.effects);
  return step;
}

/** A release effect is asked for on every round of a tick: keep the last one per phase (its cells are the latest). */
function latestReleaseEffects(effects: Step["effects"]): Step["effects"] {
  return effects.filter(
    (e, k) =>
      e.kind === "event" || !effects.slice(k + 1).some((later) => later.kind === e.kind && "phase" in later && later.phase === e.phase),
  );
}

function advance(step: Step, obs: Observations, now: Date) {
  markHolds(step, obs);
  step.state.doc.phases.forEach((p, i) => {
    if (p.type === "schema") advanceSchema(step, i, obs, now);
    else if (p.type === "data") advanceData(step, i, obs);
    else advanceDeployment(step, i, obs);
  });
  settlePhases(step, now);
}

/** Each phase's own status, from its cells: pending, running, complete (with its start and finish). */
function settlePhases(step: Step, now: Date) {
  const { state } = step;
  const { doc } = state;
  doc.phases.forEach((p, i) => {
    if (p.status === "failed" || p.status === "rolled_back") return;
    const cells = doc.spec.cells;
    const done = cells.every((c) => phaseDone(state, c, i));
    const started = p.releaseId !== null || cells.some((c) => cellOf(state, c, p.name).status !== "pending");
    if (started && !p.startedAt) {
      p.startedAt = now.toISOString();
      event(step, "migration.phase", `phase ${p.name} started`, { phase: p.name });
    }
    const status = done ? "complete" : started ? "running" : "pending";
    if (status === "complete" && p.status !== "complete") {
      p.finishedAt = now.toISOString();
      p.waiting = null;
      event(step, "migration.phase", `phase ${p.name} complete on every cell`, { phase: p.name });
    }
    p.status = status;
  });
  const next = doc.phases.findIndex((p) => p.status !== "complete");
  doc.current = next < 0 ? doc.phases.length : next;
}

/** Whether the run can move on without a person: work running, a wait or a release under way, a check to come. */
function inFlight(state: RunState, obs: Observations): boolean {
  const { doc } = state;
  return doc.phases.some((p, i) => {
    if (p.steps.some((s) => s.state === "waiting")) return true;
    if (p.releaseId && obs.releases[p.releaseId] && releaseActive(obs.releases[p.releaseId]!.status)) return true;
    return doc.spec.cells.some((cell) => {
      const c = cellOf(state, cell, p.name);
      if (c.status === "running" || c.status === "rolling_back") return true;
      if (p.type === "data" && c.status === "complete" && c.remaining !== 0) return true; // (re)verification to come
      if (c.status !== "pending") return false;
      if (c.held || (p.type === "data" && isRed(obs, cell))) return true; // drift or health may clear
      const b = blocker(state, cell, i, obs);
      return b?.why === "waiting for its schema check" || (!!obs.freeze && b?.held === false); // a freeze ends by itself
    });
  });
}

/** The run's status: succeeded, awaiting a decision, failed (held cells and nothing left to do alone), or running. */
function settleRun(step: Step, obs: Observations) {
  const { state } = step;
  const { doc } = state;
  const cells = doc.spec.cells;
  if (doc.phases.every((p) => p.status === "complete")) {
    doc.status = "succeeded";
    doc.endReason = `all ${doc.phases.length} phases complete on ${cells.length} cells`;
    event(step, "migration.succeeded", doc.endReason);
    return;
  }
  if (doc.phases.some((p) => p.steps.some((s) => s.state === "awaiting_approval"))) {
    doc.status = "awaiting_approval";
    return;
  }
  const failed = cells.flatMap((c) =>
    doc.phases
      .filter((p) => HOLDING.includes(cellOf(state, c, p.name).status))
      .map(
        (p) =>
          `${c} ${cellOf(state, c, p.name).status.replace("_", " ")} in ${p.name}${cellOf(state, c, p.name).error ? ` (${cellOf(state, c, p.name).error})` : ""}`,
      ),
  );
  const starting = step.effects.some((e) => e.kind !== "event");
  if (failed.length && !starting && !inFlight(state, obs)) {
    const reason = `stopped: ${failed.join("; ")} — retry or roll back`;
    if (doc.status !== "failed") event(step, "migration.failed", reason);
    doc.status = "failed";
    doc.endReason = reason;
    return;
  }
  doc.status = "running";
  doc.endReason = null;
}

export type Command =
  | { kind: "approve" | "reject"; phase: number; step: number; by: string; comment: string; confirm?: string }
  | { kind: "rollback"; by: string; reason: string }
  | { kind: "rollbackCell"; cell: string; by: string; reason: string }
  | { kind: "retry"; by: string; cell?: string };

/** Apply a person's decision. Throws MachineError when it does not apply now. */
export function command(input: RunState, cmd: Command, now: Date): Step {
  const step: Step = { state: structuredClone(input), effects: [] };
  switch (cmd.kind) {
    case "approve":
    case "reject":
      decide(step, cmd, now);
      return step;
    case "rollback": {
      const { doc } = step.state;
      const opt = migrationRollback(step.state);
      if (!opt.allowed) throw new MachineError("PRECONDITION", `cannot roll back: ${opt.reason}`);
      doc.status = "rolling_back";
      doc.rollbackAt = lastTouched(step.state);
      doc.endReason = `rolled back by ${cmd.by}: ${cmd.reason}`;
      event(step, "migration.rollback", `${opt.reason} — ${cmd.reason}`);
      return step;
    }
    case "rollbackCell": {
      const opt = cellRollback(step.state, cmd.cell);
      if (!opt.allowed) throw new MachineError("PRECONDITION", `cannot roll back ${cmd.cell}: ${opt.reason}`);
      setCell(step.state, cmd.cell, opt.phase!, opt.action === "stop_backfill" ? "stopped" : "rolling_back");
      event(step, "migration.rollback_cell", `${opt.reason} — ${cmd.reason}`, { phase: opt.phase, cells: [cmd.cell] });
      return step;
    }
    case "retry":
      retry(step, cmd);
      return step;
  }
}

/** Approve or reject a step waiting for a decision (four-eyes; the contract's typed id). */
function decide(step: Step, cmd: Extract<Command, { kind: "approve" | "reject" }>, now: Date) {
  const { doc } = step.state;
  const p = doc.phases[cmd.phase];
  const s = p?.steps[cmd.step];
  if (!p || !s || s.state !== "awaiting_approval" || doc.status !== "awaiting_approval")
    throw new MachineError("CONFLICT", "this step is not waiting for a decision (it may have been decided already)");
  const refused = fourEyes(cmd.by, doc.startedBy, MIGRATION_STEP);
  if (refused) throw new MachineError("FORBIDDEN", refused);
  if (cmd.kind === "approve" && s.confirmRequired && cmd.confirm?.trim() !== doc.id)
    throw new MachineError(
      "PRECONDITION",
      `type the migration id "${doc.id}" to confirm: ${p.name} on ${s.cells.join(", ")} cannot be undone`,
    );
  s.decision = { decision: cmd.kind, by: cmd.by, at: now.toISOString(), comment: cmd.comment };
  if (cmd.kind === "approve") {
    s.state = "pending";
    doc.status = "running";
    p.waiting = null;
    event(step, "migration.approve", `${p.name} on ${s.cells.join(", ")} approved by ${cmd.by}: ${cmd.comment}`, {
      phase: p.name,
      cells: s.cells,
    });
    return;
  }
  // A person said no: the whole run stops here (it can still be rolled back).
  s.state = "rejected";
  p.status = "failed";
  doc.status = "failed";
  doc.endReason = `${p.name} on ${s.cells.join(", ")} rejected by ${cmd.by}: ${cmd.comment}`;
  event(step, "migration.reject", doc.endReason, { phase: p.name, cells: s.cells });
}

/** The phases of `cell` a retry starts again: failed, stopped or rolled back, or a backfill with rows left. */
export function retryable(state: RunState, cell: string): string[] {
  return state.doc.phases
    .filter((p) => {
      const c = cellOf(state, cell, p.name);
      return HOLDING.includes(c.status) && c.status !== "rolling_back"
        ? true
        : p.type === "data" && c.status === "complete" && (c.remaining ?? 0) > 0;
    })
    .map((p) => p.name);
}

/** Whether a person's retry applies to the run now (in progress or stopped, no step rejected). */
export const retryAllowed = (state: RunState) =>
  (["running", "awaiting_approval", "failed"] as string[]).includes(state.doc.status) &&
  !state.doc.phases.some((p) => p.steps.some((s) => s.state === "rejected"));

/** Retry one cell (or every held cell): its held phases go back to pending and start when they may. */
function retry(step: Step, cmd: Extract<Command, { kind: "retry" }>) {
  const { state } = step;
  const { doc } = state;
  if (!isActive(doc.status) && doc.status !== "failed")
    throw new MachineError("CONFLICT", `the migration has ${doc.status.replace("_", " ")}; nothing to retry`);
  if (doc.status === "rolling_back") throw new MachineError("CONFLICT", "the migration is rolling back; nothing to retry");
  if (doc.phases.some((p) => p.steps.some((s) => s.state === "rejected")))
    throw new MachineError("PRECONDITION", "a rejected step cannot be retried; start a new migration");
  const cells = cmd.cell ? [cmd.cell] : doc.spec.cells.filter((c) => retryable(state, c).length);
  if (cmd.cell && !doc.spec.cells.includes(cmd.cell)) throw new MachineError("PRECONDITION", `${cmd.cell} is not part of this migration`);
  const retried: string[] = [];
  for (const cell of cells) {
    const phases = retryable(state, cell);
    if (!phases.length) throw new MachineError("PRECONDITION", `${cell} has nothing to retry`);
    for (const name of phases) {
      const c = cellOf(state, cell, name);
      setCell(state, cell, name, "pending", null);
      Object.assign(state.cells[cell]![name]!, { remaining: c.remaining && c.remaining > 0 ? null : c.remaining, held: null });
      retried.push(`${name} on ${cell}`);
    }
  }
  if (!retried.length) throw new MachineError("PRECONDITION", "no cell is failed or stopped: nothing to retry");
  doc.status = "running";
  doc.endReason = null;
  event(step, "migration.retry", `${retried.join(", ")} retried by ${cmd.by}`, { cells });
}
