// The migration page's per-cell parts (server components): every cell's own phase and status on the
// grid, the backfills with their throttle, holds and verification, and the cells that need a person
// with their retry and roll-back controls.
import { TriangleAlert } from "lucide-react";
import Link from "next/link";
import { Card } from "@/components/page-header";
import { InsetTable } from "@/components/ui/inset-table";
import { formatTime, plural } from "@/lib/format";
import {
  type CellStatus,
  type CellView,
  cellRollback,
  cellViews,
  retryable,
  retryAllowed,
  type RunState,
} from "@/lib/schema-migrations/machine";
import type { StoredSpec } from "@/lib/schema-migrations/run-doc";
import { etaMs, formatEta, rowsPercent } from "@/lib/schema-migrations/summary";
import { CellActions } from "./controls";

export const TONE: Record<string, string> = {
  complete: "bg-emerald-700 text-white",
  running: "bg-sky-700 text-white",
  pending: "bg-slate-100 text-slate-600",
  failed: "bg-red-600 text-white",
  rolling_back: "bg-orange-700 text-white",
  rolled_back: "bg-orange-200 text-orange-900",
  stopped: "bg-amber-200 text-amber-900",
  awaiting_approval: "bg-violet-700 text-white",
};
const LABEL: Record<string, string> = {
  complete: "done",
  running: "running",
  pending: "pending",
  failed: "failed",
  rolling_back: "rolling back",
  rolled_back: "rolled back",
  stopped: "stopped",
};

export type SchemaChecks = Map<string, { checkedAt: Date; drift: string | null }>;

function NowCell({ v }: { v: CellView }) {
  return (
    <div data-testid={`cell-now-${v.cell}`} data-phase={v.phase} data-status={v.done ? "done" : v.status} data-held={v.held}>
      <span className="font-medium">{v.done ? "done" : v.phase}</span>
      {!v.done && <span className="ml-1 text-slate-500">· {LABEL[v.status]}</span>}
      {v.note && <div className={`text-[11px] ${v.held ? "text-red-700" : "text-slate-500"}`}>{v.note}</div>}
    </div>
  );
}

function CheckCell({ cell, direct, checks }: { cell: string; direct: boolean; checks: SchemaChecks }) {
  if (!direct) return <span className="text-slate-500">agent</span>;
  const c = checks.get(cell);
  if (!c) return <span className="text-slate-500">not yet</span>;
  return c.drift ? (
    <span
      data-testid={`drift-${cell}`}
      className="rounded bg-red-100 px-1 text-red-800"
      title={`checked ${formatTime(c.checkedAt, { seconds: true })} UTC`}
    >
      <TriangleAlert aria-hidden className="mr-0.5 inline h-3 w-3 align-[-2px]" />
      drift: {c.drift}
    </span>
  ) : (
    <span className="text-emerald-700" title={`checked ${formatTime(c.checkedAt, { seconds: true })} UTC`}>
      ok
    </span>
  );
}

/** Cells × phases, with each cell's own phase ("Now") and its schema check. */
export function CellGrid({ state, direct, checks }: { state: RunState; direct: Set<string>; checks: SchemaChecks }) {
  const { doc, cells } = state;
  const views = new Map(cellViews(state).map((v) => [v.cell, v]));
  return (
    <Card title="Cells × phases">
      <InsetTable
        testId="cell-grid"
        className="w-full text-xs"
        headClassName="text-left text-slate-500"
        bodyClassName=""
        columns={[
          { label: "Cell", className: "py-1 pr-2" },
          { label: "Now", className: "pr-2" },
          ...doc.phases.map((ph) => ({ label: ph.name, key: `phase-${ph.name}`, className: "px-1" })),
          { label: "Schema check", className: "pl-2" },
        ]}
      >
        {doc.spec.cells.map((c) => (
          <tr key={c} data-testid="grid-row" data-cell={c} className="align-top">
            <td className="py-0.5 pr-2 font-mono">
              <Link href={`/cells/${c}`} className="text-indigo-700 hover:underline">
                {c}
              </Link>
              <div className="text-[11px] text-slate-500">{direct.has(c) ? "direct" : "agent"}</div>
            </td>
            <td className="max-w-[16rem] pr-2">{views.get(c) && <NowCell v={views.get(c)!} />}</td>
            {doc.phases.map((ph) => {
              const cp = cells[c]?.[ph.name];
              const st = (cp?.status ?? "pending") as CellStatus;
              return (
                <td key={ph.name} className="px-1">
                  <span
                    data-testid={`cell-${c}-${ph.name}`}
                    data-status={st}
                    title={cp?.error ?? cp?.held ?? undefined}
                    className={`block rounded px-1 text-center ${TONE[st]}`}
                  >
                    {LABEL[st]}
                    {cp?.held ? " ⏸" : ""}
                  </span>
                </td>
              );
            })}
            <td className="pl-2">
              <CheckCell cell={c} direct={direct.has(c)} checks={checks} />
            </td>
          </tr>
        ))}
      </InsetTable>
    </Card>
  );
}

/** "verified: 0 rows left", "3 rows left", "verifying…" for a walked backfill. */
function verification(remaining: number | null | undefined) {
  if (remaining == null) return "verifying…";
  return remaining === 0 ? "verified: 0 rows left" : `not verified: ${plural(remaining, "row")} still to backfill`;
}

/** Every backfill phase: a bar per cell that has started, with its rate, ETA, checkpoint, throttle, hold and verification. */
export function BackfillProgress({ state, spec }: { state: RunState; spec: StoredSpec }) {
  const { doc, cells } = state;
  return doc.phases.map((ph, i) => {
    const ps = spec.phases[i];
    if (ps?.type !== "data") return null;
    const started = spec.cells.filter((c) => ["running", "complete", "stopped", "failed"].includes(cells[c]?.[ph.name]?.status ?? ""));
    return (
      <Card key={ph.name} title={`Backfill progress (${ph.name})`}>
        <p className="mb-2 text-xs text-slate-500" data-testid={`backfill-limits-${ph.name}`}>
          ≤{ps.parallelCells} cells at once · checkpoint every {ps.checkpointInterval.toLocaleString("en")} rows ·{" "}
          {ps.maxRowsPerSecond ? `throttled to ${ps.maxRowsPerSecond.toLocaleString("en")} rows/s per cell` : "no rows/s limit"} · pauses on
          a cell that is red in Fleet health
        </p>
        <ul className="space-y-2" data-testid="backfill-progress">
          {started.map((c) => {
            const cp = cells[c]![ph.name]!;
            const pct = rowsPercent(cp);
            const eta = cp.status === "running" && !cp.held ? etaMs(cp.rowsDone, cp.rowsTotal, cp.rate) : null;
            return (
              <li
                key={c}
                className="text-xs"
                data-testid="backfill-cell"
                data-cell={c}
                data-status={cp.status}
                data-held={cp.held ? "true" : "false"}
              >
                <div className="flex flex-wrap justify-between gap-x-3">
                  <span className="font-mono">{c}</span>
                  <span className="tabular-nums">
                    {cp.rowsDone.toLocaleString("en")} / {cp.rowsTotal?.toLocaleString("en") ?? "?"} rows
                    {cp.rate ? ` · ${Math.round(cp.rate).toLocaleString("en")} rows/s` : ""}
                    {eta !== null ? ` · ETA ${formatEta(eta)}` : ""}
                    {cp.checkpoint ? ` · checkpoint id ${cp.checkpoint}` : ""}
                    {cp.status === "complete" ? ` · ${verification(cp.remaining)}` : ""}
                  </span>
                </div>
                <div
                  role="progressbar"
                  aria-label={`backfill ${c}`}
                  aria-valuemin={0}
                  aria-valuemax={100}
                  aria-valuenow={pct}
                  className="mt-1 h-2 rounded bg-slate-100"
                >
                  <div
                    className={`h-2 rounded ${cp.status === "failed" ? "bg-red-500" : cp.held ? "bg-amber-400" : "bg-sky-500"}`}
                    style={{ width: `${pct}%` }}
                  />
                </div>
                {cp.held && (
                  <p className="mt-1 text-amber-800" data-testid="cell-held">
                    ⏸ {cp.held}
                  </p>
                )}
                {cp.error && (
                  <p className="mt-1 text-red-700" data-testid="cell-error">
                    {cp.error}
                  </p>
                )}
              </li>
            );
          })}
          {started.length === 0 && <li className="text-sm text-slate-500">No cell is backfilling yet.</li>}
        </ul>
      </Card>
    );
  });
}

/** Cells that only a person can move on: what holds each, and its retry and roll-back controls. */
export function CellsNeedingAttention({ state, canRetry, canRollback }: { state: RunState; canRetry: boolean; canRollback: boolean }) {
  const views = cellViews(state).filter((v) => !v.done && (v.held || v.status === "failed"));
  if (!views.length) return null;
  const retry = canRetry && retryAllowed(state);
  return (
    <section className="rounded-xl border-2 border-red-200 bg-red-50 p-4" data-testid="cells-attention">
      <h2 className="text-sm font-semibold text-red-900">
        {plural(views.length, "cell")} held — the other cells go on without {views.length === 1 ? "it" : "them"}
      </h2>
      <ul className="mt-2 space-y-3 text-sm">
        {views.map((v) => {
          const rb = cellRollback(state, v.cell);
          return (
            <li key={v.cell} data-testid="held-cell" data-cell={v.cell}>
              <div>
                <span className="font-mono font-semibold">{v.cell}</span> · {v.phase} {LABEL[v.status]}
              </div>
              <div className="text-red-800" data-testid="held-cell-why">
                {v.note}
              </div>
              <CellActions
                id={state.doc.id}
                cell={v.cell}
                retry={retry && retryable(state, v.cell).length > 0}
                rollback={canRollback && rb.allowed ? rb.reason : null}
                whyNoRollback={rb.allowed ? null : rb.reason}
              />
            </li>
          );
        })}
      </ul>
    </section>
  );
}
