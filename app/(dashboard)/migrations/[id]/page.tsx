import { FreezeBanner } from "@/components/freeze-banner";
import { freezeNow } from "@/lib/settings/server/queries";
import { Hourglass } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { DetailColumns } from "@/components/ui/detail-columns";
import { Breadcrumbs } from "@/components/ui/breadcrumbs";
import { notFound } from "next/navigation";
import { AuditTrailCard } from "@/components/ui/audit-trail-card";
import { LiveView } from "@/components/live-view";
import { StageCard, StageNote } from "@/components/run-stages";
import { liveStamp } from "@/lib/live/server/queries";
import { Card, PageHeader } from "@/components/page-header";
import { gateVerdict, MIGRATION_STEP } from "@/lib/approvals/four-eyes";
import { canRollbackMigration, canRunMigrations } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/server/session";
import { env } from "@/lib/env";
import { cellRollback, isActive, migrationRollback, phaseDone, retryAllowed } from "@/lib/schema-migrations/machine";
import { runDetail } from "@/lib/schema-migrations/server/queries";
import { summarize } from "@/lib/schema-migrations/summary";
import { consequencesFor } from "@/lib/fleet/server/queries";
import { BackfillProgress, CellGrid, CellsNeedingAttention, TONE } from "./cells";
import { MigrationApproval, RollbackControls, StartPanel } from "./controls";
import { formatDuration, formatTime, plural } from "@/lib/format";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: `Migration ${decodeURIComponent((await params).id)}` };
}

export default async function MigrationPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const id = decodeURIComponent((await params).id);
  const live = await liveStamp("migration", id);
  const detail = await runDetail(id);
  if (!detail) notFound();
  const { run, approvals, audit, directCells: direct, schemaChecks } = detail;
  const { state, spec } = run;
  const { doc } = state;
  const now = new Date();
  const sum = summarize(state, now);
  // Cells advance on their own, so steps of several phases may wait for a decision at once.
  const gates =
    doc.status === "awaiting_approval"
      ? doc.phases.flatMap((ph, i) => ph.steps.flatMap((st, k) => (st.state === "awaiting_approval" ? [{ ph, i, st, k }] : [])))
      : [];
  const verdict = gateVerdict(user, { requestedBy: doc.startedBy }, MIGRATION_STEP);
  const whyNot = verdict.ok ? null : verdict.message;
  const rb = migrationRollback(state);
  const [freeze, rollbackTouches, ...gateTouches] = await Promise.all([
    ["running", "awaiting_approval", "ready"].includes(doc.status) ? freezeNow(now) : null,
    consequencesFor(spec.cells),
    ...gates.map((g) => consequencesFor(g.st.cells)),
  ]);
  const cellOptions = spec.cells.map((c) => ({ cell: c, ...cellRollback(state, c) }));

  return (
    <>
      <Breadcrumbs
        trail={[{ href: "/migrations", label: "Migrations" }]}
        here={<span className="font-mono">{id}</span>}
        aside={<LiveView initial={live} />}
      />
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
              ? `started by ${doc.startedBy} at ${formatTime(doc.startedAt, { seconds: true })} UTC · `
              : `imported by ${run.row.importedBy}`}
            {doc.startedAt && (
              <span data-testid="run-speed" title="One clock: the run's waits and the bakes of the releases its deployment phases start">
                speed ×{doc.timeScale} (waits and its releases' bakes)
              </span>
            )}{" "}
            · can roll back: <b data-testid="can-rollback">{doc.canRollback ? "yes" : "no"}</b>
            {doc.endReason && (
              <span className="block text-slate-700" data-testid="end-reason">
                {doc.endReason}
              </span>
            )}
          </span>
        }
      />
      {freeze && (
        <FreezeBanner freeze={freeze}>
          No cell of {id} starts a new phase or rollout step (a contract included) until it ends; work already running — a backfill included
          — goes on, and rollbacks still work. Then each cell goes on where it stands.
        </FreezeBanner>
      )}
      <pre
        className="mb-6 whitespace-pre-wrap rounded-lg bg-slate-900 p-3 font-mono text-sm text-slate-100"
        data-testid="summary-line"
        data-percent={sum.percent}
      >
        {sum.line}
      </pre>

      <DetailColumns
        main={
          <>
            <Card title="Phases">
              <ol className="flex flex-wrap items-stretch gap-2" data-testid="phase-pipeline">
                {doc.phases.map((ph, i) => (
                  <StageCard
                    key={ph.name}
                    data-testid={`phase-${ph.name}`}
                    data-status={ph.status}
                    className="min-w-[170px] flex-1"
                    index={i}
                    name={ph.name}
                    current={ph.status === "running" && isActive(doc.status)}
                    badges={<span className={`rounded px-1.5 text-[11px] ${TONE[ph.status] ?? ""}`}>{ph.status}</span>}
                    facts={
                      <>
                        {ph.type} · done on{" "}
                        <span data-testid={`phase-done-${ph.name}`}>{spec.cells.filter((c) => phaseDone(state, c, i)).length}</span> of{" "}
                        {spec.cells.length} cells
                        {ph.irreversible && <span className="ml-1 rounded bg-red-100 px-1 text-red-800">point of no return</span>}
                      </>
                    }
                  >
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
                            {(ph.releases ?? [])
                              .filter((r) => r.id !== ph.releaseId)
                              .map((r) => (
                                <span key={r.id} className="block text-slate-500">
                                  earlier:{" "}
                                  <Link className="text-indigo-700 hover:underline" href={`/releases/${r.id}`}>
                                    {r.id}
                                  </Link>{" "}
                                  ({r.cells.length} cells)
                                </span>
                              ))}
                          </p>
                        );
                      if (ps.type === "data")
                        return (
                          <p className="mt-1 break-all text-xs font-mono">
                            {ps.script} · at most {plural(ps.parallelCells, "cell")} at a time · checkpoint every {ps.checkpointInterval}
                            {ps.maxRowsPerSecond ? ` · ≤${ps.maxRowsPerSecond} rows/s` : ""}
                          </p>
                        );
                      return (
                        <ul className="mt-1 space-y-0.5 text-xs">
                          {ph.steps.map((s, k) => (
                            <li key={k} className={s.state === "applying" || s.state === "waiting" ? "font-semibold" : ""}>
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
                      <StageNote icon={Hourglass} className="mt-1 text-slate-600">
                        {ph.waiting}
                      </StageNote>
                    )}
                  </StageCard>
                ))}
              </ol>
            </Card>

            <BackfillProgress state={state} spec={spec} />

            <CellGrid state={state} direct={direct} checks={schemaChecks} />

            <AuditTrailCard title="Migration audit trail" rows={audit} />
          </>
        }
        side={
          <>
            {doc.status === "ready" && canRunMigrations(user) && <StartPanel id={id} defaultSpeed={env().CELLPLANE_TIME_SCALE} />}
            {gates.map(({ ph, i, st, k }, n) => (
              <MigrationApproval
                key={`${i}:${k}`}
                id={id}
                phase={i}
                step={k}
                title={`${ph.name} on ${st.patterns.join(", ")}`}
                cells={st.cells}
                confirmRequired={st.confirmRequired}
                consequences={gateTouches[n]!}
                canDecide={whyNot === null}
                whyNot={whyNot}
              />
            ))}
            <CellsNeedingAttention state={state} canRetry={canRunMigrations(user)} canRollback={canRollbackMigration(user)} />
            <RollbackControls
              id={id}
              migration={rb}
              cells={cellOptions}
              canRollback={canRollbackMigration(user)}
              consequences={rollbackTouches}
              canRetry={canRunMigrations(user) && doc.status === "failed" && retryAllowed(state)}
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
          </>
        }
      />
    </>
  );
}
