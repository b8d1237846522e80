import type { Metadata } from "next";
import Link from "next/link";
import { DetailColumns } from "@/components/ui/detail-columns";
import { Breadcrumbs } from "@/components/ui/breadcrumbs";
import { InsetTable } from "@/components/ui/inset-table";
import { notFound } from "next/navigation";
import { AuditTrailCard } from "@/components/ui/audit-trail-card";
import { Check, Hourglass, X } from "lucide-react";
import { LiveView } from "@/components/live-view";
import { Tag } from "@/components/badges";
import { Card, PageHeader } from "@/components/page-header";
import { ReleaseStatusBadge, WaveStateBadge } from "@/components/rollouts/badges";
import { BakeCountdown } from "@/components/rollouts/countdown";
import { WaveCells } from "@/components/rollouts/wave-cells";
import { StageCard, StageNote } from "@/components/run-stages";
import { gateVerdict, RELEASE_GATE } from "@/lib/approvals/four-eyes";
import { canAbortRelease, canAdvanceRelease, canPauseRelease, canRollbackRelease } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/server/session";
import { CheckState, GuardResults, GuardStateBadge, MeasuredCell, stateOf, storedResult, thresholdText } from "@/components/guard-results";
import { describeCheck } from "@/lib/rollouts/checks";
import { isTerminal, keptWaves } from "@/lib/rollouts/engine";
import { customersInWindowCells, getRelease, releaseCellVersions } from "@/lib/rollouts/server/queries";
import { consequencesFor } from "@/lib/fleet/server/queries";
import { liveStamp } from "@/lib/live/server/queries";
import { ApprovalPanel, KeptWaves, ReleaseControls } from "./controls";
import { formatDuration, formatTime, plural } from "@/lib/format";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: `Release ${(await params).id}` };
}

export default async function ReleasePage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  const live = await liveStamp("release", id);
  const r = await getRelease(id);
  if (!r) notFound();
  const doc = r.doc;
  const services = Object.keys(doc.versions);
  const kept = keptWaves(doc);
  // What an abort leaves on the new version (every wave that deployed and was not set back).
  const deployed = doc.waves.filter((w) => w.deployStartedAt && !["ROLLED_BACK", "ROLLING_BACK"].includes(w.state)).flatMap((w) => w.cells);
  const [observed, windowCustomers, abortTouches, keptTouches] = await Promise.all([
    releaseCellVersions(doc),
    customersInWindowCells(doc),
    consequencesFor(deployed),
    consequencesFor(kept.flatMap((w) => w.cells)),
  ]);
  const obs = new Map(observed.map((o) => [`${o.cellId}/${o.serviceId}`, o]));
  const runningOf = (c: string) => services.map((s) => obs.get(`${c}/${s}`)?.observedVersion ?? "—").join(",");
  const renderedAt = new Date().toISOString();
  const current = doc.waves[doc.current];
  const gate = current?.state === "AWAITING_APPROVAL" ? current : null;
  const verdict = gateVerdict(user, { requestedBy: doc.startedBy }, RELEASE_GATE);
  const whyNot = verdict.ok ? null : verdict.message;

  return (
    <>
      <Breadcrumbs
        trail={[{ href: "/releases", label: "Releases" }]}
        here={<span className="font-mono">{r.id}</span>}
        aside={<LiveView initial={live} />}
      />
      <PageHeader
        title={
          <span className="flex items-center gap-3">
            {r.title} <ReleaseStatusBadge status={doc.status} />
          </span>
        }
        subtitle={
          <span>
            {services.map((s) => (
              <Tag key={s}>
                {s} {doc.versions[s]}
              </Tag>
            ))}{" "}
            through{" "}
            <Link className="text-indigo-700 underline" href={`/pipelines/${r.pipeline.id}`}>
              {r.pipeline.name}
            </Link>{" "}
            · started by {r.startedBy} at {formatTime(r.startedAt, { seconds: true })} UTC
            {doc.endReason && (
              <span className="block text-slate-700" data-testid="end-reason">
                {doc.endReason}
              </span>
            )}
          </span>
        }
      />
      {(kept.length > 0 || doc.status === "rolling_back") && (
        <KeptWaves
          id={r.id}
          status={doc.status}
          waves={kept.map((w) => ({ name: w.name, cells: w.cells, state: w.state }))}
          versions={services.map((s) => `${s} ${doc.versions[s]}`).join(", ")}
          consequences={keptTouches}
          canRollback={canRollbackRelease(user)}
        />
      )}

      <DetailColumns
        main={
          <>
            <Card title="Waves">
              <ol className="grid grid-cols-[repeat(auto-fill,minmax(min(100%,260px),1fr))] gap-3" data-testid="wave-pipeline">
                {doc.waves.map((w, i) => (
                  <StageCard
                    key={i}
                    data-testid={`wave-${i}`}
                    data-state={w.state}
                    className="min-w-0"
                    index={i}
                    name={w.name}
                    current={i === doc.current && !isTerminal(doc.status)}
                    badges={
                      <>
                        <WaveStateBadge state={w.state} />
                        {doc.status === "paused" && i === doc.current && (
                          <span
                            className="rounded bg-amber-100 px-1.5 py-0.5 text-[11px] font-semibold uppercase text-amber-800"
                            data-testid="wave-paused"
                          >
                            paused
                          </span>
                        )}
                      </>
                    }
                    facts={
                      <>
                        {w.parallel ? "parallel" : "one cell at a time"} · {plural(w.cells.length, "cell")} · bake{" "}
                        {formatDuration(w.bakeMs)}
                        {w.requiresApproval && <span className="ml-1 rounded bg-violet-100 px-1 text-violet-800">approval</span>}
                        {w.maintenanceWindow && <span className="ml-1 rounded bg-amber-100 px-1 text-amber-800">maintenance window</span>}
                      </>
                    }
                  >
                    <WaveCells
                      cells={w.cells}
                      services={services}
                      versions={Object.fromEntries(w.cells.map((c) => [c, runningOf(c)]))}
                      target={doc.versions}
                    />
                    {w.state === "BAKING" && w.bakeStartedAt && w.bakeEndsAt && (
                      <div className="mt-2">
                        <BakeCountdown
                          start={w.bakeStartedAt}
                          end={w.bakeEndsAt}
                          pausedAt={doc.status === "paused" ? (doc.pausedAt ?? null) : null}
                          renderedAt={renderedAt}
                        />
                      </div>
                    )}
                    {/* Release guards: the wave's guard state goes here. */}
                    {w.waiting && (
                      <StageNote icon={Hourglass} className="mt-2 text-slate-600" testId="wave-waiting">
                        {w.waiting}
                      </StageNote>
                    )}
                    {w.failure && (
                      <StageNote icon={X} className="mt-2 font-medium text-red-700" testId="wave-failure">
                        {w.failure}
                      </StageNote>
                    )}
                    {w.guard && (
                      <div className="mt-2 flex items-center gap-2 text-[11px] text-slate-500">
                        <GuardStateBadge state={w.guard.state} />
                        <span>{formatTime(w.guard.lastEvaluatedAt, { seconds: true })}</span>
                      </div>
                    )}
                    {w.breach && (
                      <p className="mt-1 text-xs text-red-700" data-testid="wave-breach">
                        Guard breach at {formatTime(w.breach.at, { seconds: true })} UTC: {w.breach.check} — <MeasuredCell r={w.breach} />{" "}
                        vs {thresholdText(w.breach)}; {w.breach.action === "pause" ? "release paused for a human" : "wave rolled back"}
                      </p>
                    )}
                    {w.decision && (
                      <StageNote
                        icon={w.decision.decision === "approve" ? Check : X}
                        iconClassName={w.decision.decision === "approve" ? "text-emerald-700" : "text-red-700"}
                        className="mt-2 text-slate-600"
                      >
                        {w.decision.decision === "approve" ? "Approved" : "Rejected"} by {w.decision.by}: “{w.decision.comment}”
                      </StageNote>
                    )}
                    <ul className="mt-2 space-y-0.5 text-[11px] text-slate-500">
                      {w.checks.map((c, k) => (
                        <li key={k} className="break-words">
                          • {describeCheck(c)}
                        </li>
                      ))}
                      {w.checks.length > 0 && w.onBreach === "pause" && <li>on breach: pause</li>}
                    </ul>
                  </StageCard>
                ))}
              </ol>
            </Card>

            {current?.guard && (
              <Card title={`Guard of wave ${current.name} — its checks while it deploys and bakes`}>
                <div className="mb-2 flex flex-wrap items-center gap-2 text-xs text-slate-500" data-testid="guard-panel">
                  <GuardStateBadge state={current.guard.state} />
                  <span>
                    window {formatTime(current.guard.window.from, { seconds: true })} –{" "}
                    {formatTime(current.guard.window.to, { seconds: true })} UTC on{" "}
                    {current.guard.cells.length ? current.guard.cells.join(", ") : "no cell on the new version yet"}
                  </span>
                </div>
                <GuardResults results={current.guard.results} testId="guard-results" evaluatedAt={current.guard.lastEvaluatedAt} />
              </Card>
            )}

            <Card title="Check results — measured vs threshold">
              <InsetTable
                testId="check-results"
                className="w-full min-w-[560px] text-sm"
                columns={[
                  "Wave",
                  "Check",
                  "Result",
                  { label: "Measured", align: "right" },
                  { label: "Threshold", align: "right" },
                  { label: "Detail", className: "pl-4" },
                ]}
                empty={r.checkResults.length === 0 && "No wave has been validated yet."}
              >
                {r.checkResults.map((c) => (
                  <tr key={c.id.toString()} data-testid="check-row" data-passed={c.passed} data-state={stateOf(storedResult(c))}>
                    <td className="py-1.5 pr-3">{doc.waves[c.wave]?.name}</td>
                    <td className="pr-3 font-mono text-xs">{c.check}</td>
                    <td className="pr-3">
                      <CheckState r={storedResult(c)} />
                    </td>
                    <td className="pr-3 text-right tabular-nums" data-testid="check-measured">
                      <MeasuredCell r={storedResult(c)} />
                    </td>
                    <td className="pr-3 text-right tabular-nums">{thresholdText(storedResult(c))}</td>
                    <td className="pl-4 text-xs text-slate-600">{c.detail}</td>
                  </tr>
                ))}
              </InsetTable>
            </Card>

            <AuditTrailCard title="Release audit trail" rows={r.audit} />
          </>
        }
        side={
          <>
            {gate && (
              <ApprovalPanel
                id={r.id}
                wave={doc.current}
                waveName={gate.name}
                cells={gate.cells}
                canDecide={whyNot === null}
                whyNot={whyNot}
              />
            )}
            <ReleaseControls
              id={r.id}
              status={doc.status}
              waveState={current?.state ?? null}
              abortTouches={abortTouches}
              can={{
                pause: canPauseRelease(user),
                abort: canAbortRelease(user),
                rollback: canRollbackRelease(user),
                advance: canAdvanceRelease(user),
              }}
            />
            <Card title="Approvals">
              <ul className="space-y-2 text-sm" data-testid="approvals">
                {r.approvals.map((a) => (
                  <li key={a.id.toString()}>
                    <span className={a.decision === "approve" ? "text-emerald-700" : "text-red-700"}>
                      {a.decision === "approve" ? "Approved" : "Rejected"}
                    </span>{" "}
                    {doc.waves[a.wave]?.name} by <b>{a.decidedBy}</b> at {formatTime(a.decidedAt, { seconds: true })}
                    <div className="text-slate-600">“{a.comment}”</div>
                  </li>
                ))}
                {r.approvals.length === 0 && <li className="text-slate-500">No decisions yet.</li>}
              </ul>
            </Card>
            <Card title="Notifications and webhooks">
              <ul className="space-y-2 text-xs" data-testid="deliveries">
                {r.deliveries.map((d) => (
                  <li key={d.id.toString()} className="flex items-start justify-between gap-2">
                    <span>
                      <span className="font-mono">{d.event}</span> → {d.target}
                      <div className="text-slate-500">
                        {String((d.payload as { text?: string }).text ?? JSON.stringify(d.payload)).slice(0, 140)}
                      </div>
                      {d.lastError && <div className="text-red-600">{d.lastError}</div>}
                    </span>
                    <span
                      className={`shrink-0 rounded px-1.5 ${d.status === "sent" ? "bg-emerald-100 text-emerald-800" : d.status === "failed" ? "bg-red-100 text-red-800" : "bg-amber-100 text-amber-800"}`}
                    >
                      {d.status}
                      {d.attempts > 1 ? ` ×${d.attempts}` : ""}
                    </span>
                  </li>
                ))}
                {r.deliveries.length === 0 && <li className="text-slate-500">Nothing sent yet.</li>}
              </ul>
            </Card>
            {windowCustomers.length > 0 && (
              <Card title="Customers in maintenance-window cells">
                <ul className="space-y-1 text-xs" data-testid="window-customers">
                  {windowCustomers.map((c) => (
                    <li key={c.id}>
                      <span className="font-mono text-slate-500">{c.homeCellId}</span> {c.name}{" "}
                      <span className="font-mono text-slate-500">{c.id}</span>
                    </li>
                  ))}
                </ul>
              </Card>
            )}
          </>
        }
      />
    </>
  );
}
