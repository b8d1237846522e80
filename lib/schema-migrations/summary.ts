// What the migration page says in one line — the seed's dashboard summary:
//   ████████████░░░░░░░░ 60% complete (48/80 cell-phases) · Current: Backfilling smb-us-2 (42% of
//   rows, ETA 3 min) · Next: smb-eu-2 (waiting for smb-us-2)
// The percentage and the count are one unit: cell × phase steps done (a cell's phase counts once it
// is done there: its step's wait over, its backfill verified). Pure; `now` is passed in.
import { cellViews, type CellView, phaseDone } from "./cells";
import { type CellPhase, cellOf, listCells, type PhaseRun, type RunState } from "./run-model";

/** Milliseconds left at `rate` rows/s, or null when it cannot be known (no rate or no total). */
export function etaMs(rowsDone: number, rowsTotal: number | null, rate: number | null): number | null {
  if (rowsTotal === null || rate === null || !(rate > 0)) return null;
  return Math.max(0, Math.ceil(((rowsTotal - rowsDone) / rate) * 1000));
}

/** "45 s", "3 min", "2 h 5 min" (rounded up to the unit shown). */
export function formatEta(ms: number): string {
  if (ms < 60_000) return `${Math.max(1, Math.ceil(ms / 1000))} s`;
  if (ms < 3_600_000) return `${Math.ceil(ms / 60_000)} min`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.ceil((ms - h * 3_600_000) / 60_000);
  return m === 60 ? `${h + 1} h` : m ? `${h} h ${m} min` : `${h} h`;
}

/** Rows per second between two checkpoints. */
export function rateBetween(prev: { rows: number; at: Date } | null, next: { rows: number; at: Date }): number | null {
  if (!prev) return null;
  const s = (next.at.getTime() - prev.at.getTime()) / 1000;
  return s > 0 && next.rows >= prev.rows ? (next.rows - prev.rows) / s : null;
}

export const rowsPercent = (c: Pick<CellPhase, "rowsDone" | "rowsTotal">) =>
  c.rowsTotal ? Math.min(100, Math.floor((c.rowsDone / c.rowsTotal) * 100)) : c.rowsTotal === 0 ? 100 : 0;

export function progressBar(percent: number, width = 20): string {
  const filled = Math.round((Math.max(0, Math.min(100, percent)) / 100) * width);
  return "█".repeat(filled) + "░".repeat(width - filled);
}

const phaseVerb: Record<string, string> = { expand: "Expanding", contract: "Contracting", backfill: "Backfilling" };
const verbOf = (p: PhaseRun) => phaseVerb[p.name] ?? (p.type === "data" ? "Backfilling" : `Running ${p.name} on`);

export interface Summary {
  percent: number;
  /** Cell × phase steps done, of all of them: what the percentage counts. */
  stepsDone: number;
  stepsTotal: number;
  /** Cells done with the whole migration. */
  cellsDone: number;
  cellsTotal: number;
  current: string;
  next: string | null;
  line: string;
}

/** "smb-us-2 (42% of rows, ETA 3 min)": a backfilling cell. */
function backfilling(state: RunState, p: PhaseRun, cell: string): string {
  const c = cellOf(state, cell, p.name);
  const eta = etaMs(c.rowsDone, c.rowsTotal, c.rate);
  return `${cell} (${rowsPercent(c)}% of rows${eta !== null && !c.held ? `, ETA ${formatEta(eta)}` : ""}${c.held ? `, ${c.held}` : ""})`;
}

/** What happens in one phase now: its running cells, its release, its gates and waits. */
function phaseNow(state: RunState, i: number, now: Date): string[] {
  const { doc } = state;
  const p = doc.phases[i]!;
  const spec = doc.spec.phases[i]!;
  const running = doc.spec.cells.filter((c) => cellOf(state, c, p.name).status === "running");
  const out: string[] = [];
  if (spec.type === "deployment") {
    if (running.length)
      out.push(
        `Deploying ${spec.service} ${spec.version} to ${listCells(running)}${p.releaseId ? ` (release ${p.releaseId})` : ""}${p.waiting ? ` — ${p.waiting}` : ""}`,
      );
    return out;
  }
  if (running.length)
    out.push(
      spec.type === "data"
        ? `Backfilling ${running.map((c) => backfilling(state, p, c)).join(", ")}`
        : `${verbOf(p)} ${listCells(running, 4)}`,
    );
  for (const s of p.steps) {
    if (s.state === "awaiting_approval") out.push(`${p.name} on ${listCells(s.cells)} awaits approval`);
    if (s.state === "waiting" && s.waitUntil)
      out.push(
        `${p.name} done on ${listCells(s.cells)}; waiting ${formatEta(Math.max(0, new Date(s.waitUntil).getTime() - now.getTime()))}`,
      );
  }
  return out;
}

/** Cells that need a person, or wait for something outside the migration. */
const attention = (views: CellView[]) =>
  views
    .filter((v) => !v.done && v.note && (v.held || v.status === "failed"))
    .map((v) => (v.status === "failed" ? `${v.cell}: ${v.phase} failed (${v.note})` : `${v.cell}: ${v.note}`));

function currentText(state: RunState, views: CellView[], now: Date): string {
  const { doc } = state;
  if (doc.status === "ready") return "not started";
  if (doc.status === "succeeded") return "complete";
  if (doc.status === "rolled_back") return "rolled back";
  if (doc.status === "rolling_back") {
    const p = doc.rollbackAt !== null ? doc.phases[doc.rollbackAt] : undefined;
    return `Rolling back${p ? ` ${p.name}` : ""}${p?.waiting ? ` (${p.waiting})` : ""}`;
  }
  const parts: string[] = [];
  for (let i = doc.phases.length - 1; i >= 0; i--) parts.push(...phaseNow(state, i, now));
  // A release that waits for its cells comes after the work under way.
  for (const [i, p] of doc.phases.entries()) {
    const spec = doc.spec.phases[i]!;
    const someoneNext = i > 0 && doc.spec.cells.some((c) => phaseDone(state, c, i - 1));
    if (
      spec.type === "deployment" &&
      p.waiting &&
      someoneNext &&
      !doc.spec.cells.some((c) => cellOf(state, c, p.name).status === "running")
    )
      parts.push(`${p.name}: ${p.waiting}`);
  }
  parts.push(...attention(views));
  const text = parts.join("; ") || doc.phases.find((p) => p.waiting)?.waiting || "waiting";
  return doc.status === "failed" ? `Stopped — ${text}` : text;
}

/** The seed's "Next": the next cell to take a backfill slot (and whom it waits for), else the next step or phase. */
function nextText(state: RunState, views: CellView[]): string | null {
  const { doc } = state;
  for (const [i, p] of doc.phases.entries()) {
    if (p.type === "data") {
      const queued = views.filter((v) => v.phase === p.name && v.status === "pending" && !v.note).map((v) => v.cell);
      const running = doc.spec.cells.filter((c) => cellOf(state, c, p.name).status === "running");
      if (queued.length && running.length) {
        const soonest = running
          .map((c) => {
            const x = cellOf(state, c, p.name);
            return { c, eta: etaMs(x.rowsDone, x.rowsTotal, x.rate) ?? Number.POSITIVE_INFINITY };
          })
          .sort((a, b) => a.eta - b.eta)[0]!;
        return `${queued[0]} (waiting for ${soonest.c})`;
      }
    }
    const open = p.steps.findIndex((s) => s.state === "pending");
    const before = p.steps[open - 1];
    if (open > 0 && before && before.state !== "done") {
      const ns = p.steps[open]!;
      const why = before.state === "awaiting_approval" ? "approval" : before.state === "waiting" ? "the wait" : listCells(before.cells);
      return `${p.name} on ${listCells(ns.cells)} (waiting for ${why}${ns.requiresApproval ? ", then approval" : ""})`;
    }
    const untouched = !p.releaseId && doc.spec.cells.every((c) => cellOf(state, c, p.name).status === "pending");
    if (untouched && i > 0) return `${p.name} (after ${doc.phases[i - 1]!.name})`;
  }
  return null;
}

/** The summary line and its parts. */
export function summarize(state: RunState, now: Date): Summary {
  const { doc } = state;
  const all = doc.spec.cells;
  const stepsTotal = all.length * doc.phases.length;
  const stepsDone = all.reduce((n, c) => n + doc.phases.filter((_, i) => phaseDone(state, c, i)).length, 0);
  const percent = doc.status === "succeeded" ? 100 : stepsTotal ? Math.floor((stepsDone / stepsTotal) * 100) : 0;
  const views = cellViews(state);
  const current = currentText(state, views, now);
  const next = doc.status === "succeeded" || doc.status === "ready" ? null : nextText(state, views);
  const line = `${progressBar(percent)} ${percent}% complete (${stepsDone}/${stepsTotal} cell-phases) · Current: ${current}${next ? ` · Next: ${next}` : ""}`;
  return { percent, stepsDone, stepsTotal, cellsDone: views.filter((v) => v.done).length, cellsTotal: all.length, current, next, line };
}
