// The migration orchestrator: a pure state machine.
//   tick(state, observations, now, cfg)  → next state + effects   (advanced by the ticker)
//   command(state, command, now)         → next state + effects   (a person's decision)
// State = the run document (phases, steps, approvals) + every cell's status per phase. Cell work
// itself (SQL in direct mode, the cell's tooling in agent mode) moves cells from running to
// complete/failed outside the machine; the machine decides what may start, when, and in what order.
import { fourEyes, MIGRATION_STEP } from "@/lib/approvals/four-eyes";
import type { MigrationSpec, PhaseSpec } from "./manifest";

export type CellStatus = "pending" | "running" | "complete" | "failed" | "rolling_back" | "rolled_back" | "stopped";
export const CELL_STATUSES: CellStatus[] = ["pending", "running", "complete", "failed", "rolling_back", "rolled_back", "stopped"];

export interface CellPhase {
  status: CellStatus;
  rowsDone: number;
  rowsTotal: number | null;
  /** Rows per second (backfills). */
  rate: number | null;
  checkpoint: string | null;
  error: string | null;
}
/** cell → phase name → its state. */
export type Cells = Record<string, Record<string, CellPhase>>;

export type RunStatus = "ready" | "running" | "awaiting_approval" | "failed" | "rolling_back" | "rolled_back" | "succeeded";
export type PhaseStatus = "pending" | "running" | "complete" | "failed" | "rolled_back" | "stopped";
export type StepState = "pending" | "awaiting_approval" | "applying" | "waiting" | "done" | "rejected";

export interface Decision {
  decision: "approve" | "reject";
  by: string;
  at: string;
  comment: string;
}

export interface StepRun {
  cells: string[];
  patterns: string[];
  waitMs: number;
  requiresApproval: boolean;
  /** The point of no return: approving needs the migration id typed as confirmation. */
  confirmRequired: boolean;
  state: StepState;
  waitUntil: string | null;
  decision: Decision | null;
  /** Since when it waits for a decision (ISO); absent in runs stored before it was kept. */
  awaitingSince?: string | null;
}

export interface PhaseRun {
  name: string;
  type: PhaseSpec["type"];
  status: PhaseStatus;
  irreversible: boolean;
  steps: StepRun[];
  step: number;
  releaseId: string | null;
  /** The version a code rollback restores (recorded when the phase's release starts). */
  previousVersion: string | null;
  rollbackReleaseId: string | null;
  waiting: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface RunDoc {
  id: string;
  spec: MigrationSpec;
  status: RunStatus;
  startedBy: string | null;
  startedAt: string | null;
  /** Waits are divided by this (the run's own speed, recorded at start). */
  timeScale: number;
  current: number;
  phases: PhaseRun[];
  canRollback: boolean;
  /** While rolling back: the phase being undone (walks down to 0). */
  rollbackAt: number | null;
  endReason: string | null;
}

export interface RunState {
  doc: RunDoc;
  cells: Cells;
}

export type ReleaseStatus = "running" | "awaiting_approval" | "paused" | "succeeded" | "rolled_back" | "aborted";
export interface Observations {
  /** Release id → its status and the cells of its waves that passed. */
  releases: Record<string, { status: ReleaseStatus; passedCells: string[] }>;
}

export type Effect =
  | { kind: "startRelease"; phase: number; version: string; pipeline: string; service: string }
  | { kind: "rollbackRelease"; phase: number; releaseId: string; service: string; version: string | null; pipeline: string }
  | { kind: "event"; action: string; detail: string; phase?: string; cells?: string[] };

export class MachineError extends Error {
  constructor(
    public readonly code: "CONFLICT" | "PRECONDITION" | "FORBIDDEN",
    message: string,
  ) {
    super(message);
    this.name = "MachineError";
  }
}

export interface Step {
  state: RunState;
  effects: Effect[];
}

const TERMINAL: RunStatus[] = ["succeeded", "rolled_back"];
export const isTerminal = (s: RunStatus) => TERMINAL.includes(s);
export const isActive = (s: RunStatus) => s === "running" || s === "awaiting_approval" || s === "rolling_back";

const blankCell = (): CellPhase => ({ status: "pending", rowsDone: 0, rowsTotal: null, rate: null, checkpoint: null, error: null });

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
    previousVersion: null,
    rollbackReleaseId: null,
    waiting: null,
    startedAt: null,
    finishedAt: null,
  }));
  const cells: Cells = Object.fromEntries(spec.cells.map((c) => [c, Object.fromEntries(spec.phases.map((p) => [p.name, blankCell()]))]));
  return {
    doc: {
      id: spec.id,
      spec,
      status: "ready",
      startedBy: null,
      startedAt: null,
      timeScale: 1,
      current: 0,
      phases,
      canRollback: true,
      rollbackAt: null,
      endReason: null,
    },
    cells,
  };
}

/** True until any cell has started an irreversible (contract) phase: the point of no return. */
export function canRollback(state: RunState): boolean {
  const irreversible = state.doc.phases.filter((p) => p.irreversible).map((p) => p.name);
  return !Object.values(state.cells).some((byPhase) => irreversible.some((n) => byPhase[n] && byPhase[n]!.status !== "pending"));
}

function setCell(state: RunState, cell: string, phase: string, status: CellStatus, error: string | null = null) {
  const c = (state.cells[cell] ??= {});
  const cur = (c[phase] ??= blankCell());
  cur.status = status;
  if (error !== null) cur.error = error;
}

const specOf = (doc: RunDoc, i: number) => doc.spec.phases[i]!;
const cellsOfStep = (s: StepRun) => s.cells;

function event(step: Step, action: string, detail: string, extra: { phase?: string; cells?: string[] } = {}) {
  step.effects.push({ kind: "event", action, detail, ...extra });
}

function fail(step: Step, reason: string) {
  const doc = step.state.doc;
  const p = doc.phases[doc.current];
  if (p) p.status = "failed";
  doc.status = "failed";
  doc.endReason = reason;
  event(step, "migration.failed", reason, { phase: p?.name });
}

/** Start a ready run. */
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

/** Advance the run as far as the cells and releases allow. */
export function tick(input: RunState, obs: Observations, now: Date): Step {
  const step: Step = { state: structuredClone(input), effects: [] };
  for (let guard = 0; guard < 64; guard++) {
    const before = JSON.stringify(step.state.doc) + JSON.stringify(step.state.cells);
    const doc = step.state.doc;
    if (doc.status === "running") advance(step, obs, now);
    else if (doc.status === "rolling_back") advanceRollback(step, obs, now);
    if (JSON.stringify(step.state.doc) + JSON.stringify(step.state.cells) === before) break;
  }
  step.state.doc.canRollback = canRollback(step.state);
  return step;
}

function advance(step: Step, obs: Observations, now: Date) {
  const { doc, cells } = step.state;
  const i = doc.current;
  const p = doc.phases[i];
  if (!p) {
    doc.status = "succeeded";
    doc.endReason = `all ${doc.phases.length} phases complete on ${doc.spec.cells.length} cells`;
    event(step, "migration.succeeded", doc.endReason);
    return;
  }
  const spec = specOf(doc, i);
  if (p.status === "pending") {
    p.status = "running";
    p.startedAt = now.toISOString();
    event(step, "migration.phase", `phase ${p.name} started`, { phase: p.name });
    return;
  }
  const status = (cell: string) => cells[cell]?.[p.name]?.status ?? "pending";
  const finishPhase = () => {
    p.status = "complete";
    p.finishedAt = now.toISOString();
    p.waiting = null;
    doc.current = i + 1;
    event(step, "migration.phase", `phase ${p.name} complete`, { phase: p.name });
  };
  switch (spec.type) {
    case "schema": {
      const s = p.steps[p.step];
      if (!s) return finishPhase();
      switch (s.state) {
        case "pending":
          if (s.cells.length === 0) {
            s.state = "done";
            p.step++;
            return;
          }
          if (s.requiresApproval && !s.decision) {
            s.state = "awaiting_approval";
            s.awaitingSince = now.toISOString();
            doc.status = "awaiting_approval";
            p.waiting = `waiting for approval by a release manager other than ${doc.startedBy}${s.confirmRequired ? ", who must type the migration id" : ""}`;
            event(step, "migration.gate", `${p.name} on ${s.cells.join(", ")} waits for approval`, { phase: p.name, cells: s.cells });
            return;
          }
          s.state = "applying";
          p.waiting = null;
          for (const c of cellsOfStep(s)) if (status(c) === "pending") setCell(step.state, c, p.name, "running");
          event(step, "migration.cells", `${p.name} started on ${s.cells.join(", ")}`, { phase: p.name, cells: s.cells });
          return;
        case "applying": {
          const failed = s.cells.filter((c) => status(c) === "failed");
          if (failed.length)
            return fail(
              step,
              `${p.name} failed on ${failed.map((c) => `${c}${cells[c]?.[p.name]?.error ? ` (${cells[c]![p.name]!.error})` : ""}`).join(", ")}`,
            );
          if (s.cells.every((c) => status(c) === "complete")) {
            s.state = "waiting";
            s.waitUntil = new Date(now.getTime() + s.waitMs / doc.timeScale).toISOString();
            event(step, "migration.cells", `${p.name} complete on ${s.cells.join(", ")}; waiting until ${s.waitUntil}`, {
              phase: p.name,
              cells: s.cells,
            });
          }
          return;
        }
        case "waiting":
          if (now >= new Date(s.waitUntil!)) {
            s.state = "done";
            p.step++;
          }
          return;
        default:
          return;
      }
    }
    case "deployment": {
      if (!p.releaseId) {
        // The store starts the release and records its id (or why it cannot start yet).
        step.effects.push({ kind: "startRelease", phase: i, version: spec.version, pipeline: spec.pipeline, service: spec.service });
        return;
      }
      const r = obs.releases[p.releaseId];
      if (!r) return;
      for (const c of doc.spec.cells) {
        const want =
          r.status === "succeeded" || r.passedCells.includes(c)
            ? "complete"
            : r.status === "rolled_back" || r.status === "aborted"
              ? "failed"
              : "running";
        if (status(c) !== want) setCell(step.state, c, p.name, want);
      }
      if (r.status === "succeeded") return finishPhase();
      if (r.status === "rolled_back" || r.status === "aborted")
        return fail(step, `release ${p.releaseId} of ${spec.service} ${spec.version} was ${r.status.replace("_", " ")}`);
      p.waiting =
        r.status === "awaiting_approval"
          ? `release ${p.releaseId} waits for a gate approval`
          : r.status === "paused"
            ? `release ${p.releaseId} is paused`
            : null;
      return;
    }
    case "data": {
      const order = doc.spec.cells;
      const failed = order.filter((c) => status(c) === "failed");
      if (failed.length)
        return fail(
          step,
          `${p.name} failed on ${failed.map((c) => `${c}${cells[c]?.[p.name]?.error ? ` (${cells[c]![p.name]!.error})` : ""}`).join(", ")}`,
        );
      if (order.every((c) => status(c) === "complete")) return finishPhase();
      let running = order.filter((c) => status(c) === "running").length;
      for (const c of order) {
        if (running >= spec.parallelCells) break;
        if (status(c) !== "pending") continue;
        setCell(step.state, c, p.name, "running");
        running++;
        event(step, "migration.cells", `${p.name} started on ${c}`, { phase: p.name, cells: [c] });
      }
      return;
    }
  }
}

/** Undo phases from the current one down to the first, one at a time. */
function advanceRollback(step: Step, obs: Observations, now: Date) {
  const { doc, cells } = step.state;
  const i = doc.rollbackAt;
  if (i === null || i < 0) {
    doc.status = "rolled_back";
    doc.rollbackAt = null;
    event(step, "migration.rolled_back", doc.endReason ?? "rolled back");
    return;
  }
  const p = doc.phases[i]!;
  const spec = specOf(doc, i);
  const next = () => {
    if (p.status !== "pending") {
      p.status = "rolled_back";
      p.finishedAt = now.toISOString();
    }
    doc.rollbackAt = i - 1;
  };
  const status = (c: string) => cells[c]?.[p.name]?.status ?? "pending";
  switch (spec.type) {
    case "data":
      for (const c of doc.spec.cells) if (status(c) === "running") setCell(step.state, c, p.name, "stopped");
      return next();
    case "deployment": {
      if (!p.releaseId) return next();
      const r = obs.releases[p.releaseId];
      if (!p.rollbackReleaseId) {
        if (r && (r.status === "rolled_back" || r.status === "aborted") && r.passedCells.length === 0) {
          for (const c of doc.spec.cells) if (status(c) !== "pending") setCell(step.state, c, p.name, "rolled_back");
          return next();
        }
        step.effects.push({
          kind: "rollbackRelease",
          phase: i,
          releaseId: p.releaseId,
          service: spec.service,
          version: p.previousVersion,
          pipeline: spec.pipeline,
        });
        p.waiting = `rolling back the code release ${p.releaseId}`;
        return;
      }
      const rb = obs.releases[p.rollbackReleaseId];
      if (rb && (rb.status === "succeeded" || rb.status === "rolled_back" || rb.status === "aborted")) {
        for (const c of doc.spec.cells) if (status(c) !== "pending") setCell(step.state, c, p.name, "rolled_back");
        p.waiting = null;
        return next();
      }
      p.waiting = `waiting for ${p.rollbackReleaseId} to restore ${spec.service} ${p.previousVersion ?? "(previous)"}`;
      return;
    }
    case "schema": {
      if (p.irreversible) return next(); // never reached: rollback is refused once contract started
      const touched = doc.spec.cells.filter((c) => ["running", "complete", "failed"].includes(status(c)));
      for (const c of touched) setCell(step.state, c, p.name, "rolling_back");
      const reverting = doc.spec.cells.filter((c) => status(c) === "rolling_back");
      if (reverting.length) {
        p.waiting = `dropping the new column on ${reverting.join(", ")}`;
        return;
      }
      p.waiting = null;
      return next();
    }
  }
}

export interface RollbackOption {
  allowed: boolean;
  /** What a rollback would do, or why it is not offered. */
  reason: string;
  action?: "stop_backfill" | "revert_schema";
  phase?: string;
}

/** The seed's rollback rules, for the whole migration. */
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
  for (let i = Math.min(doc.current, doc.phases.length - 1); i >= 0; i--) {
    const p = doc.phases[i]!;
    const spec = specOf(doc, i);
    const touched = doc.spec.cells.filter((c) => (state.cells[c]?.[p.name]?.status ?? "pending") !== "pending");
    if (!touched.length && !p.releaseId) continue;
    if (spec.type === "data") steps.push(`stop ${p.name} (no harm: rows keep what they have)`);
    if (spec.type === "deployment")
      steps.push(`roll back the code release ${p.releaseId ?? ""} of ${spec.service} ${spec.version}`.replace("  ", " "));
    if (spec.type === "schema")
      steps.push(`undo ${p.name} on ${touched.length} cell${touched.length === 1 ? "" : "s"} (drop the new column)`);
  }
  if (!steps.length) return { allowed: false, reason: "no cell has changed yet; nothing to roll back" };
  return { allowed: true, reason: steps.join(", then ") };
}

/** The rollback rules for one cell. */
export function cellRollback(state: RunState, cell: string): RollbackOption {
  const { doc } = state;
  if (!isActive(doc.status) && doc.status !== "failed")
    return { allowed: false, reason: `the migration has ${doc.status.replace("_", " ")}` };
  const byPhase = state.cells[cell] ?? {};
  const st = (name: string) => byPhase[name]?.status ?? "pending";
  const irreversible = doc.phases.find((p) => p.irreversible && st(p.name) !== "pending");
  if (irreversible)
    return { allowed: false, reason: `${irreversible.name} has started on ${cell}: the old column is gone — cannot be undone` };
  const data = doc.phases.find((p) => p.type === "data" && st(p.name) === "running");
  if (data)
    return {
      allowed: true,
      action: "stop_backfill",
      phase: data.name,
      reason: `stop ${data.name} on ${cell} (no harm; it resumes from its checkpoint if restarted)`,
    };
  const codeStarted = doc.phases.find((p) => p.type === "deployment" && p.status !== "pending");
  const schema = [...doc.phases]
    .reverse()
    .find((p) => p.type === "schema" && !p.irreversible && ["complete", "failed", "running"].includes(st(p.name)));
  if (!schema) return { allowed: false, reason: `nothing to roll back on ${cell}` };
  if (codeStarted)
    return {
      allowed: false,
      reason: `${codeStarted.name} has started: code may write the new column on ${cell}; roll back the whole migration so the code release is rolled back first`,
    };
  return {
    allowed: true,
    action: "revert_schema",
    phase: schema.name,
    reason: `undo ${schema.name} on ${cell} (drop the new column; no data loss)`,
  };
}

export function contractStarted(state: RunState): { phase: string; cells: string[] } | null {
  for (const p of state.doc.phases.filter((x) => x.irreversible)) {
    const cells = Object.keys(state.cells).filter((c) => (state.cells[c]?.[p.name]?.status ?? "pending") !== "pending");
    if (cells.length) return { phase: p.name, cells };
  }
  return null;
}

export type Command =
  | { kind: "approve" | "reject"; phase: number; step: number; by: string; comment: string; confirm?: string }
  | { kind: "rollback"; by: string; reason: string }
  | { kind: "rollbackCell"; cell: string; by: string; reason: string }
  | { kind: "retry"; by: string };

/** Apply a person's decision. Throws MachineError when it does not apply now. */
export function command(input: RunState, cmd: Command, now: Date): Step {
  const step: Step = { state: structuredClone(input), effects: [] };
  const { doc } = step.state;
  switch (cmd.kind) {
    case "approve":
    case "reject": {
      const p = doc.phases[cmd.phase];
      const s = p?.steps[cmd.step];
      if (
        !p ||
        !s ||
        cmd.phase !== doc.current ||
        p.step !== cmd.step ||
        s.state !== "awaiting_approval" ||
        doc.status !== "awaiting_approval"
      )
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
      } else {
        s.state = "rejected";
        p.status = "failed";
        doc.status = "failed";
        doc.endReason = `${p.name} on ${s.cells.join(", ")} rejected by ${cmd.by}: ${cmd.comment}`;
        event(step, "migration.reject", doc.endReason, { phase: p.name, cells: s.cells });
      }
      return step;
    }
    case "rollback": {
      const opt = migrationRollback(step.state);
      if (!opt.allowed) throw new MachineError("PRECONDITION", `cannot roll back: ${opt.reason}`);
      doc.status = "rolling_back";
      doc.rollbackAt = Math.min(doc.current, doc.phases.length - 1);
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
    case "retry": {
      if (doc.status !== "failed") throw new MachineError("CONFLICT", "only a failed migration can be retried");
      const p = doc.phases[doc.current];
      if (!p || p.steps[p.step]?.state === "rejected")
        throw new MachineError("PRECONDITION", "a rejected step cannot be retried; start a new migration");
      const failed = Object.keys(step.state.cells).filter((c) =>
        ["failed", "stopped"].includes(step.state.cells[c]?.[p.name]?.status ?? ""),
      );
      if (p.type === "deployment") p.releaseId = null;
      for (const c of failed) setCell(step.state, c, p.name, p.type === "schema" ? "running" : "pending", null);
      for (const c of failed) step.state.cells[c]![p.name]!.error = null;
      p.status = "running";
      doc.status = "running";
      doc.endReason = null;
      event(step, "migration.retry", `${p.name} retried by ${cmd.by} on ${failed.join(", ") || "no cell"}`, {
        phase: p.name,
        cells: failed,
      });
      return step;
    }
  }
}
