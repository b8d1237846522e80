import { ScrollBox } from "@/components/scroll-box";
import { Hourglass } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AuditTable } from "@/components/audit-table";
import { LiveView } from "@/components/live-view";
import { liveStamp } from "@/lib/live/server/queries";
import { Card, PageHeader } from "@/components/page-header";
import { gateVerdict, MIGRATION_STEP } from "@/lib/approvals/four-eyes";
import { canRollbackMigration, canRunMigrations } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/server/session";
import { env } from "@/lib/env";
import { cellRollback, isActive, migrationRollback, type CellStatus } from "@/lib/schema-migrations/machine";
import { runDetail } from "@/lib/schema-migrations/server/queries";
import { consequencesFor } from "@/lib/fleet/server/queries";
import { etaMs, formatEta, rowsPercent, summarize } from "@/lib/schema-migrations/summary";
import { MigrationApproval, RollbackControls, StartPanel } from "./controls";
import { formatDuration, formatTime, plural } from "@/lib/format";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: `Migration ${decodeURIComponent((await params).id)}` };
}

const TONE: Record<string, string> = {
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

export default async function MigrationPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const id = decodeURIComponent((await params).id);
  const live = await liveStamp("migration", id);
  const detail = await runDetail(id);
  if (!detail) notFound();
  const { run, approvals, audit, directCells: direct } = detail;
  const { state, spec } = run;
  const { doc, cells } = state;
  const now = new Date();
  const sum = summarize(state, now);
  const p = doc.phases[doc.current];
  const gateStep = doc.status === "awaiting_approval" && p ? p.steps[p.step] : undefined;
  const verdict = gateVerdict(user, { requestedBy: doc.startedBy }, MIGRATION_STEP);
  const whyNot = verdict.ok ? null : verdict.message;
  const data = doc.phases.find((x) => x.type === "data");
  const backfilling = data
    ? spec.cells.filter((c) => ["running", "complete", "stopped", "failed"].includes(cells[c]?.[data.name]?.status ?? ""))
    : [];
  const rb = migrationRollback(state);
  const [rollbackTouches, gateTouches] = await Promise.all([consequencesFor(spec.cells), consequencesFor(gateStep?.cells ?? [])]);
  const cellOptions = spec.cells.map((c) => ({ cell: c, ...cellRollback(state, c) }));

  return (
    <>
      <div className="float-right">
        <LiveView initial={live} />
      </div>
      <nav className="mb-2 text-sm text-slate-500">
        <Link href="/migrations" className="hover:underline">
          Migrations
        </Link>{" "}
        / <span className="font-mono">{id}</span>
      </nav>
      <PageHeader
        title={
          <span className="flex items-center gap-3">
            <span className="font-mono">{id}</span>{" "}
            <span data-testid="migration-status" className="rounded bg-slate-100 px-2 py-0.5 text-sm font-medium">
              {doc.status.replace("_", " ")}
            </span>
          </span>
        }
        subtitle={
          <span>
            {spec.description} ·{" "}
            {doc.startedAt
              ? `started by ${doc.startedBy} at ${formatTime(doc.startedAt, { seconds: true })} UTC · speed ×${doc.timeScale}`
              : `imported by ${run.row.importedBy}`}{" "}
            · can roll back: <b data-testid="can-rollback">{doc.canRollback ? "yes" : "no"}</b>
            {doc.endReason && (
              <span className="block text-slate-700" data-testid="end-reason">
                {doc.endReason}
              </span>
            )}
          </span>
        }
      />
      <pre
        className="mb-6 whitespace-pre-wrap rounded-lg bg-slate-900 p-3 font-mono text-sm text-slate-100"
        data-testid="summary-line"
        data-percent={sum.percent}
      >
        {sum.line}
      </pre>

      <div className="grid gap-6 xl:grid-cols-[minmax(0,3fr)_minmax(0,1fr)]">
        <div className="min-w-0 space-y-6">
          <Card title="Phases">
            <ol className="flex flex-wrap items-stretch gap-2" data-testid="phase-pipeline">
              {doc.phases.map((ph, i) => (
                <li
                  key={ph.name}
                  data-testid={`phase-${ph.name}`}
                  data-status={ph.status}
                  className={`min-w-[170px] flex-1 rounded-lg border p-3 ${i === doc.current && isActive(doc.status) ? "border-indigo-400 ring-2 ring-indigo-100" : "border-slate-200"}`}
                >
                  <div className="flex items-center justify-between gap-2">
                    <span className="text-sm font-semibold">
                      {i + 1}. {ph.name}
                    </span>
                    <span className={`rounded px-1.5 text-[11px] ${TONE[ph.status] ?? ""}`}>{ph.status}</span>
                  </div>
                  <div className="mt-1 text-[11px] text-slate-500">
                    {ph.type}
                    {ph.irreversible && <span className="ml-1 rounded bg-red-100 px-1 text-red-800">point of no return</span>}
                  </div>
                  {(() => {
                    const ps = spec.phases[i]!;
                    if (ps.type === "deployment")
                      return (
                        <p className="mt-1 text-xs">
                          {ps.service} {ps.version} via {ps.pipeline}
                          {ph.releaseId && (
                            <>
                              {" "}
                              ·{" "}
                              <Link
                                className="text-indigo-700 underline"
                                href={`/releases/${ph.releaseId}`}
                                data-testid={`release-link-${ph.name}`}
                              >
                                {ph.releaseId}
                              </Link>
                            </>
                          )}
                        </p>
                      );
                    if (ps.type === "data")
                      return (
                        <p className="mt-1 break-all text-xs font-mono">
                          {ps.script} · at most {plural(ps.parallelCells, "cell")} at a time · checkpoint every {ps.checkpointInterval}
                        </p>
                      );
                    return (
                      <ul className="mt-1 space-y-0.5 text-xs">
                        {ph.steps.map((s, k) => (
                          <li key={k} className={k === ph.step && ph.status === "running" ? "font-semibold" : ""}>
                            {s.patterns.join(", ")} · wait {formatDuration(s.waitMs)}
                            {s.requiresApproval && " · approval"} —{" "}
                            <span data-testid={`step-${ph.name}-${k}`}>{s.state.replace("_", " ")}</span>
                            {s.decision && (
                              <span className="text-slate-500">
                                {" "}
                                ({s.decision.decision}d by {s.decision.by})
                              </span>
                            )}
                          </li>
                        ))}
                      </ul>
                    );
                  })()}
                  {ph.waiting && (
                    <p className="mt-1 flex gap-1 text-xs text-slate-600">
                      <Hourglass aria-hidden className="mt-px h-3 w-3 shrink-0" /> <span className="min-w-0 break-words">{ph.waiting}</span>
                    </p>
                  )}
                </li>
              ))}
            </ol>
          </Card>

          {data && (
            <Card title={`Backfill progress (${data.name})`}>
              <ul className="space-y-2" data-testid="backfill-progress">
                {backfilling.map((c) => {
                  const cp = cells[c]![data.name]!;
                  const pct = rowsPercent(cp);
                  const eta = cp.status === "running" ? etaMs(cp.rowsDone, cp.rowsTotal, cp.rate) : null;
                  return (
                    <li key={c} className="text-xs" data-testid="backfill-cell" data-cell={c} data-status={cp.status}>
                      <div className="flex justify-between">
                        <span className="font-mono">{c}</span>
                        <span className="tabular-nums">
                          {cp.rowsDone.toLocaleString("en")} / {cp.rowsTotal?.toLocaleString("en") ?? "?"} rows
                          {cp.rate ? ` · ${Math.round(cp.rate).toLocaleString("en")} rows/s` : ""}
                          {eta !== null ? ` · ETA ${formatEta(eta)}` : ""}
                          {cp.checkpoint ? ` · checkpoint id ${cp.checkpoint}` : ""}
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
                          className={`h-2 rounded ${cp.status === "failed" ? "bg-red-500" : "bg-sky-500"}`}
                          style={{ width: `${pct}%` }}
                        />
                      </div>
                      {cp.error && (
                        <p className="mt-1 text-red-700" data-testid="cell-error">
                          {cp.error}
                        </p>
                      )}
                    </li>
                  );
                })}
                {backfilling.length === 0 && <li className="text-sm text-slate-500">No cell is backfilling yet.</li>}
              </ul>
            </Card>
          )}

          <Card title="Cells × phases">
            <ScrollBox>
              <table className="w-full text-xs" data-testid="cell-grid">
                <thead>
                  <tr className="text-left text-slate-500">
                    <th className="py-1 pr-2">Cell</th>
                    <th className="pr-2">Mode</th>
                    {doc.phases.map((ph) => (
                      <th key={ph.name} className="px-1">
                        {ph.name}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {spec.cells.map((c) => (
                    <tr key={c} data-testid="grid-row" data-cell={c}>
                      <td className="py-0.5 pr-2 font-mono">
                        <Link href={`/cells/${c}`} className="text-indigo-700 hover:underline">
                          {c}
                        </Link>
                      </td>
                      <td className="pr-2 text-slate-500">{direct.has(c) ? "direct" : "agent"}</td>
                      {doc.phases.map((ph) => {
                        const st = (cells[c]?.[ph.name]?.status ?? "pending") as CellStatus;
                        return (
                          <td key={ph.name} className="px-1">
                            <span
                              data-testid={`cell-${c}-${ph.name}`}
                              data-status={st}
                              title={cells[c]?.[ph.name]?.error ?? undefined}
                              className={`block rounded px-1 text-center ${TONE[st]}`}
                            >
                              {LABEL[st]}
                            </span>
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollBox>
          </Card>

          <Card title="Migration audit trail">
            {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
            <div className="-m-4 max-h-96 overflow-auto" tabIndex={0}>
              <AuditTable rows={audit} compact />
            </div>
          </Card>
        </div>

        <div className="space-y-6">
          {doc.status === "ready" && canRunMigrations(user) && <StartPanel id={id} defaultSpeed={env().CELLPLANE_TIME_SCALE} />}
          {gateStep && p && (
            <MigrationApproval
              id={id}
              phase={doc.current}
              step={p.step}
              title={`${p.name} on ${gateStep.patterns.join(", ")}`}
              cells={gateStep.cells}
              confirmRequired={gateStep.confirmRequired}
              consequences={gateTouches}
              canDecide={whyNot === null}
              whyNot={whyNot}
            />
          )}
          <RollbackControls
            id={id}
            migration={rb}
            cells={cellOptions}
            canRollback={canRollbackMigration(user)}
            consequences={rollbackTouches}
            canRetry={canRunMigrations(user) && doc.status === "failed"}
          />
          <Card title="Approvals">
            <ul className="space-y-2 text-sm" data-testid="approvals">
              {approvals.map((a) => (
                <li key={a.id.toString()}>
                  <span className={a.decision === "approve" ? "text-emerald-700" : "text-red-700"}>
                    {a.decision === "approve" ? "Approved" : "Rejected"}
                  </span>{" "}
                  {doc.phases[a.phase]?.name} step {a.step + 1} by <b>{a.decidedBy}</b> at {formatTime(a.decidedAt, { seconds: true })}
                  <div className="text-slate-600">“{a.comment}”</div>
                </li>
              ))}
              {approvals.length === 0 && <li className="text-slate-500">No decisions yet.</li>}
            </ul>
          </Card>
        </div>
      </div>
    </>
  );
}
