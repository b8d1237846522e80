// The stored model of a migration run (pure types and small helpers): the run document (phases,
// their rollout steps and releases, approvals) and every cell's state in every phase. Each cell has
// its own place in the manifest: it advances on its own (./cells.ts decides when), so one cell may be
// contracting while another still backfills. The machine (./machine.ts) moves them.
import { TransitionError } from "@/lib/errors";
import type { FreezeSpan } from "@/lib/settings/freezes";
import type { MigrationSpec, PhaseSpec } from "./manifest";

export type CellStatus = "pending" | "running" | "complete" | "failed" | "rolling_back" | "rolled_back" | "stopped";
export const CELL_STATUSES: CellStatus[] = ["pending", "running", "complete", "failed", "rolling_back", "rolled_back", "stopped"];

/** A cell's state in one phase: `{cell, phase, status, rows, total, checkpoint, updatedAt}` and what holds it. */
export interface CellPhase {
  status: CellStatus;
  rowsDone: number;
  rowsTotal: number | null;
  /** Rows per second (backfills). */
  rate: number | null;
  checkpoint: string | null;
  error: string | null;
  /**
   * Backfills: rows still to do when last verified — direct mode counts the script's own predicate in
   * the cell's database, agent mode takes total − rows of the final report. Null: not verified yet.
   */
  remaining?: number | null;
  verifiedAt?: string | null;
  /** Why the cell's work in this phase is held by something outside the migration (red health, schema drift). */
  held?: string | null;
  /** When the cell started and finished this phase, and when its row last changed (ISO); kept for the change log. */
  startedAt?: string | null;
  finishedAt?: string | null;
  updatedAt?: string | null;
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

/** One rollout step of a schema phase: its cells start once it opens; the next step opens after its wait. */
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

/** A release a deployment phase started, and the cells it rolls to. */
export interface PhaseRelease {
  id: string;
  cells: string[];
  /** Its outcome was applied to its cells (it finished). */
  settled?: boolean;
}

export interface PhaseRun {
  name: string;
  type: PhaseSpec["type"];
  /** Derived from its cells: pending (none started), running, complete (every cell done); rolled back, stopped or failed (rejected). */
  status: PhaseStatus;
  irreversible: boolean;
  steps: StepRun[];
  /** The first step not done yet (schema phases). */
  step: number;
  /** Deployment phases: the latest release (the one the cells follow now). */
  releaseId: string | null;
  /** Every release of this phase: the first takes every cell able to, later ones catch up cells held back then. */
  releases?: PhaseRelease[];
  /** The version a code rollback restores (recorded when the phase's first release starts). */
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
  /** Waits — and the bakes of the releases its deployment phases start — are divided by this (the run's own speed). */
  timeScale: number;
  /** The first phase not done on every cell (phases.length once all are). */
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
export type HealthStatus = "green" | "yellow" | "red" | "no_data";

/** What the machine sees besides its own state. Optional parts are not observed (tests, agent mode). */
export interface Observations {
  /** Release id → its status and the cells of its waves that passed. */
  releases: Record<string, { status: ReleaseStatus; passedCells: string[] }>;
  /** Cells whose schema check found drift, and how (direct mode). */
  drift?: Record<string, string>;
  /** Direct-mode cells → when their schema was last checked: a cell moves to its next phase only after a check. */
  schemaCheckedAt?: Record<string, string | null>;
  /** Fleet health's status per cell (observed while backfills may run). */
  health?: Record<string, HealthStatus>;
  /** The fleet freeze in force: no cell starts a new phase or rollout step while it lasts (running work goes on). */
  freeze?: FreezeSpan | null;
}

export type Effect =
  | { kind: "startRelease"; phase: number; version: string; pipeline: string; service: string; cells: string[] }
  | {
      kind: "rollbackRelease";
      phase: number;
      releaseId: string;
      service: string;
      version: string | null;
      pipeline: string;
      cells: string[];
    }
  | { kind: "event"; action: string; detail: string; phase?: string; cells?: string[] };

export class MachineError extends TransitionError {
  override name = "MachineError";
}

export interface Step {
  state: RunState;
  effects: Effect[];
}

const TERMINAL: RunStatus[] = ["succeeded", "rolled_back"];
export const isTerminal = (s: RunStatus) => TERMINAL.includes(s);
/** A run under way: it takes reports, holds its cells and waits at its gates. */
export const ACTIVE_RUN: RunStatus[] = ["running", "awaiting_approval", "rolling_back"];
export const isActive = (s: RunStatus) => ACTIVE_RUN.includes(s);

/** Statuses that hold a cell until a person acts (retry, or roll back further). */
export const HOLDING: CellStatus[] = ["failed", "stopped", "rolling_back", "rolled_back"];
/** A release under way (paused included): another release of its services waits for it. */
export const ACTIVE_RELEASE: ReleaseStatus[] = ["running", "awaiting_approval", "paused"];
export const releaseActive = (s: ReleaseStatus) => ACTIVE_RELEASE.includes(s);

export const blankCell = (): CellPhase => ({
  status: "pending",
  rowsDone: 0,
  rowsTotal: null,
  rate: null,
  checkpoint: null,
  error: null,
  remaining: null,
  verifiedAt: null,
  held: null,
  startedAt: null,
  finishedAt: null,
  updatedAt: null,
});

/** A cell's state in the phase named `phase` (a blank one when none is stored). */
export const cellOf = (state: RunState, cell: string, phase: string): CellPhase => state.cells[cell]?.[phase] ?? blankCell();

/** A cell's state in a phase, created when missing, for the machine to change. */
export function cellAt(state: RunState, cell: string, phase: string): CellPhase {
  const byPhase = (state.cells[cell] ??= {});
  return (byPhase[phase] ??= blankCell());
}

/** Set a cell's status in a phase; `error` replaces the stored one when given. */
export function setCell(state: RunState, cell: string, phase: string, status: CellStatus, error?: string | null) {
  const c = cellAt(state, cell, phase);
  c.status = status;
  if (error !== undefined) c.error = error;
}

/** The step of a schema phase that holds `cell` (-1 when none does). */
export const stepIndexOf = (p: PhaseRun, cell: string) => p.steps.findIndex((s) => s.cells.includes(cell));

/** The cells of the release `id` of a phase (every cell of the migration for runs stored before releases were kept). */
export const releaseCells = (doc: RunDoc, p: PhaseRun, id: string) => p.releases?.find((r) => r.id === id)?.cells ?? doc.spec.cells;

export function event(step: Step, action: string, detail: string, extra: { phase?: string; cells?: string[] } = {}) {
  step.effects.push({ kind: "event", action, detail, ...extra });
}

/** "a, b, c +4": a list of cells, short. */
export function listCells(cells: string[], max = 3): string {
  return cells.length > max ? `${cells.slice(0, max).join(", ")} +${cells.length - max}` : cells.join(", ");
}
