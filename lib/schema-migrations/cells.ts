// When a cell may enter a phase, and if not, why (pure). A cell enters phase i once it is done with
// every phase before i — a schema phase once its rollout step's wait is over, a backfill once it is
// verified (no row left to do) — its schema check (direct mode) found no drift since, and the phase's
// own rule allows it (its step is open, a backfill slot is free, a release reaches it) and no fleet
// freeze is in force (work already running goes on: a backfill keeps running). A cell that
// cannot go on without a person — a failed, stopped or rolled-back phase, a backfill verified with
// rows left, drift — is *held*: the steps and releases after it go on without it.
import { formatTime, plural } from "@/lib/format";
import { freezeText } from "@/lib/settings/freezes";
import {
  type CellPhase,
  type CellStatus,
  cellOf,
  HOLDING,
  type Observations,
  type PhaseRun,
  type RunState,
  stepIndexOf,
} from "./run-model";

/** Why a cell does not start a phase now: `held` when only a person can change that. */
export interface Blocker {
  held: boolean;
  why: string;
}

const statusWords: Record<CellStatus, string> = {
  pending: "pending",
  running: "running",
  complete: "done",
  failed: "failed",
  rolling_back: "rolling back",
  rolled_back: "rolled back",
  stopped: "stopped",
};

/** Whether a backfill's verification says it is done: rows still to do = 0. */
export const verified = (c: CellPhase) => c.status === "complete" && c.remaining === 0;

/** Whether `cell` is done with phase `i`: complete, its step's wait over (schema), verified (backfill). */
export function phaseDone(state: RunState, cell: string, i: number): boolean {
  const p = state.doc.phases[i]!;
  const c = cellOf(state, cell, p.name);
  if (c.status !== "complete") return false;
  if (p.type === "data") return c.remaining === 0;
  if (p.type === "schema") {
    const s = p.steps[stepIndexOf(p, cell)];
    return !s || s.state === "done";
  }
  return true;
}

/** Why the phase before (`p`, not done for the cell) holds it or keeps it waiting. */
function earlierPhase(p: PhaseRun, c: CellPhase, cell: string): Blocker {
  if (HOLDING.includes(c.status))
    return { held: true, why: `${p.name} ${statusWords[c.status]}${c.status === "failed" && c.error ? `: ${c.error}` : ""}` };
  if (p.type === "data" && c.status === "complete") {
    if (c.remaining == null) return { held: false, why: `${p.name} not verified yet` };
    return { held: true, why: `${p.name} not verified: ${plural(c.remaining, "row")} still to backfill` };
  }
  if (p.type === "schema" && c.status === "complete") {
    const s = p.steps[stepIndexOf(p, cell)];
    if (s?.state === "waiting" && s.waitUntil)
      return { held: false, why: `${p.name} bakes until ${formatTime(s.waitUntil, { utc: true })}` };
    return { held: false, why: `waiting for the rest of its ${p.name} step` };
  }
  return { held: false, why: `waiting for ${p.name}${c.status === "running" ? " to finish" : ""}` };
}

/**
 * Why `cell` may not start phase `i` now, or null when it may (the phase's own rule aside). With
 * `obs` null (the pages), the holds recorded on the cell stand for what the machine observed.
 */
export function blocker(state: RunState, cell: string, i: number, obs: Observations | null): Blocker | null {
  const { phases } = state.doc;
  let lastFinish = "";
  for (let j = 0; j < i; j++) {
    const p = phases[j]!;
    const c = cellOf(state, cell, p.name);
    if (!phaseDone(state, cell, j)) return earlierPhase(p, c, cell);
    if (c.finishedAt && c.finishedAt > lastFinish) lastFinish = c.finishedAt;
  }
  const drift = obs ? obs.drift?.[cell] : cellOf(state, cell, phases[i]!.name).held;
  if (drift) return { held: true, why: obs ? `schema drift: ${drift}` : drift };
  if (obs?.freeze) return { held: false, why: freezeText(obs.freeze) };
  const checks = obs?.schemaCheckedAt;
  if (checks && cell in checks && i > 0 && lastFinish) {
    const at = checks[cell];
    if (!at || new Date(at).getTime() <= new Date(lastFinish).getTime()) return { held: false, why: "waiting for its schema check" };
  }
  return null;
}

/** Whether the cell's health keeps a backfill from running on it. */
export const isRed = (obs: Observations | null, cell: string) => obs?.health?.[cell] === "red";
export const redHold = (cell: string) => `paused: ${cell} is red in Fleet health`;

/** A cell as the seed's dashboard tracks it: its own phase and status, and what it waits for. */
export interface CellView {
  cell: string;
  /** The phase the cell is in: the first it is not done with (the last, once done with all). */
  phase: string;
  status: CellStatus;
  rows: number;
  total: number | null;
  checkpoint: string | null;
  updatedAt: string | null;
  /** What holds it or what it waits for; null while nothing does. */
  note: string | null;
  /** Only a person can move it on (failed, stopped, drift, rows left after its backfill). */
  held: boolean;
  done: boolean;
}

/** Every cell's own place in the run (for the page, the summary and the change log's readers). */
export function cellViews(state: RunState): CellView[] {
  const { doc } = state;
  return doc.spec.cells.map((cell): CellView => {
    let i = doc.phases.findIndex((_, k) => !phaseDone(state, cell, k));
    const done = i < 0;
    if (done) i = doc.phases.length - 1;
    const p = doc.phases[i]!;
    const c = cellOf(state, cell, p.name);
    const view = {
      cell,
      phase: p.name,
      status: c.status,
      rows: c.rowsDone,
      total: c.rowsTotal,
      checkpoint: c.checkpoint,
      updatedAt: c.updatedAt ?? null,
    };
    if (done) return { ...view, note: null, held: false, done };
    if (c.status === "failed" || c.status === "stopped" || c.status === "rolled_back")
      return { ...view, note: c.error ?? statusWords[c.status], held: true, done };
    if (c.status === "complete") {
      const b = earlierPhase(p, c, cell);
      return { ...view, note: b.why, held: b.held, done };
    }
    if (c.held) return { ...view, note: c.held, held: c.status !== "running", done };
    const release = p.type === "deployment" ? (p.waiting ?? (c.status === "pending" ? "waiting for its release" : null)) : null;
    if (c.status !== "pending") return { ...view, note: release, held: false, done };
    const b = blocker(state, cell, i, null);
    return { ...view, note: b?.why ?? release, held: b?.held ?? false, done };
  });
}
