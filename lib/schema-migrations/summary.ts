// What the migration page says in one line — the seed's dashboard summary:
//   ████████████░░░░░░░░ 60% complete (12/20 cells) · Current: Backfilling smb-us-2 (42% of rows,
//   ETA 3 min) · Next: smb-eu-2 (waiting for smb-us-2)
// and the ETA arithmetic behind it. Pure; `now` is passed in.
import type { CellPhase, RunState } from "./machine";

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

export interface Summary {
  percent: number;
  cellsDone: number;
  cellsTotal: number;
  current: string;
  next: string | null;
  line: string;
}

/** Percent = (cell, phase) pairs complete; "n/N cells" = cells through the current phase. */
export function summarize(state: RunState, now: Date): Summary {
  const { doc, cells } = state;
  const all = doc.spec.cells;
  const pairs = all.length * doc.phases.length;
  const done = all.reduce((n, c) => n + doc.phases.filter((p) => cells[c]?.[p.name]?.status === "complete").length, 0);
  const percent = doc.status === "succeeded" ? 100 : pairs ? Math.floor((done / pairs) * 100) : 0;
  const p = doc.phases[Math.min(doc.current, doc.phases.length - 1)];
  const st = (c: string, name = p?.name ?? "") => cells[c]?.[name]?.status ?? "pending";
  const cellsDone = doc.status === "succeeded" ? all.length : p ? all.filter((c) => st(c) === "complete").length : 0;
  let current = "";
  let next: string | null = null;
  const verb = p ? (phaseVerb[p.name] ?? `Running ${p.name} on`) : "";
  if (doc.status === "ready") current = "not started";
  else if (doc.status === "succeeded") current = "complete";
  else if (doc.status === "rolled_back") current = "rolled back";
  else if (doc.status === "rolling_back")
    current = `Rolling back${doc.rollbackAt !== null ? ` ${doc.phases[doc.rollbackAt]?.name}` : ""}${doc.rollbackAt !== null && doc.phases[doc.rollbackAt]?.waiting ? ` (${doc.phases[doc.rollbackAt]!.waiting})` : ""}`;
  else if (doc.status === "failed") current = `Stopped: ${doc.endReason ?? "failed"}`;
  else if (p) {
    const spec = doc.spec.phases[doc.current]!;
    const running = all.filter((c) => st(c) === "running");
    if (spec.type === "data") {
      current = running.length
        ? `${verb} ${running
            .map((c) => {
              const cp = cells[c]![p.name]!;
              const eta = etaMs(cp.rowsDone, cp.rowsTotal, cp.rate);
              return `${c} (${rowsPercent(cp)}% of rows${eta !== null ? `, ETA ${formatEta(eta)}` : ""})`;
            })
            .join(", ")}`
        : `${p.name}: starting`;
      const pending = all.filter((c) => st(c) === "pending");
      if (pending.length) {
        const soonest = running
          .map((c) => ({ c, eta: etaMs(cells[c]![p.name]!.rowsDone, cells[c]![p.name]!.rowsTotal, cells[c]![p.name]!.rate) ?? Infinity }))
          .sort((a, b) => a.eta - b.eta)[0];
        next = `${pending[0]}${soonest ? ` (waiting for ${soonest.c})` : ""}`;
      }
    } else if (spec.type === "deployment") {
      current = `Deploying ${spec.service} ${spec.version} through ${spec.pipeline}${p.releaseId ? ` (release ${p.releaseId})` : ""}${p.waiting ? ` — ${p.waiting}` : ""}`;
    } else {
      const s = p.steps[p.step];
      if (s?.state === "awaiting_approval") current = `${p.name} on ${s.cells.join(", ")} awaits approval`;
      else if (s?.state === "waiting")
        current = `${p.name} done on ${s.cells.join(", ")}; waiting ${formatEta(Math.max(0, new Date(s.waitUntil!).getTime() - now.getTime()))}`;
      else current = `${verb} ${s?.cells.join(", ") ?? ""}`.trim();
      const ns = p.steps.slice(p.step + 1).find((x) => x.cells.length);
      if (ns)
        next = `${ns.cells.length > 3 ? `${ns.cells.slice(0, 3).join(", ")} +${ns.cells.length - 3}` : ns.cells.join(", ")} (waiting for ${s?.state === "awaiting_approval" ? "approval" : s?.state === "waiting" ? "the wait" : s?.cells.join(", ")}${ns.requiresApproval ? ", then approval" : ""})`;
    }
    if (!next) {
      const np = doc.phases[doc.current + 1];
      if (np) next = `${np.name} (after ${p.name})`;
    }
  }
  const line = `${progressBar(percent)} ${percent}% complete (${cellsDone}/${all.length} cells) · Current: ${current}${next ? ` · Next: ${next}` : ""}`;
  return { percent, cellsDone, cellsTotal: all.length, current, next, line };
}
