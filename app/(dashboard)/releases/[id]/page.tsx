import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AuditTable } from "@/components/audit-table";
import { AutoRefresh } from "@/components/auto-refresh";
import { Tag } from "@/components/badges";
import { Card, PageHeader } from "@/components/page-header";
import { ReleaseStatusBadge, WaveStateBadge } from "@/components/rollouts/badges";
import { BakeCountdown } from "@/components/rollouts/countdown";
import { gateVerdict, RELEASE_GATE } from "@/lib/approvals/four-eyes";
import { canAbortRelease, canAdvanceRelease, canPauseRelease, canRollbackRelease } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/server/session";
import { CheckState, GuardResults, GuardStateBadge, MeasuredCell, storedResult, thresholdText } from "@/components/guard-results";
import { describeCheck } from "@/lib/rollouts/checks";
import { isTerminal } from "@/lib/rollouts/engine";
import { customersInWindowCells, getRelease, releaseCellVersions } from "@/lib/rollouts/server/queries";
import { ApprovalPanel, ReleaseControls } from "./controls";
import { formatDuration, formatTime } from "@/lib/format";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: `Release ${(await params).id}` };
}

export default async function ReleasePage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  const r = await getRelease(id);
  if (!r) notFound();
  const doc = r.doc;
  const services = Object.keys(doc.versions);
  const [observed, windowCustomers] = await Promise.all([releaseCellVersions(doc), customersInWindowCells(doc)]);
  const obs = new Map(observed.map((o) => [`${o.cellId}/${o.serviceId}`, o]));
  const current = doc.waves[doc.current];
  const gate = current?.state === "AWAITING_APPROVAL" ? current : null;
  const verdict = gateVerdict(user, { requestedBy: doc.startedBy }, RELEASE_GATE);
  const whyNot = verdict.ok ? null : verdict.message;

  return (
    <>
      <AutoRefresh active={!isTerminal(doc.status)} />
      <nav className="mb-2 text-sm text-slate-500">
        <Link href="/releases" className="hover:underline">
          Releases
        </Link>{" "}
        / <span className="font-mono">{r.id}</span>
      </nav>
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
            <Link className="text-indigo-700 hover:underline" href={`/pipelines/${r.pipeline.id}`}>
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

      <div className="grid gap-6 xl:grid-cols-[minmax(0,3fr)_minmax(0,1fr)]">
        <div className="space-y-6">
          <Card title="Waves">
            <ol className="grid grid-cols-[repeat(auto-fill,minmax(220px,1fr))] gap-3" data-testid="wave-pipeline">
              {doc.waves.map((w, i) => (
                <li
                  key={i}
                  data-testid={`wave-${i}`}
                  data-state={w.state}
                  className={`min-w-0 rounded-lg border p-3 ${i === doc.current && !isTerminal(doc.status) ? "border-indigo-400 ring-2 ring-indigo-100" : "border-slate-200"}`}
                >
                  <div className="flex items-center justify-between gap-2">
                    <span className="truncate text-sm font-semibold" title={w.name}>
                      {i + 1}. {w.name}
                    </span>
                    <WaveStateBadge state={w.state} />
                  </div>
                  <div className="mt-1 text-[11px] text-slate-500">
                    {w.parallel ? "parallel" : "one cell at a time"} · bake {formatDuration(w.bakeMs)}
                    {w.requiresApproval && <span className="ml-1 rounded bg-violet-100 px-1 text-violet-800">approval</span>}
                    {w.maintenanceWindow && <span className="ml-1 rounded bg-amber-100 px-1 text-amber-800">maintenance window</span>}
                  </div>
                  <ul className="mt-2 space-y-0.5 text-xs">
                    {w.cells.map((c) => (
                      <li key={c} className="flex justify-between gap-2 font-mono">
                        <Link href={`/cells/${c}`} className="truncate text-indigo-700 hover:underline">
                          {c}
                        </Link>
                        <span className="text-slate-500">
                          {services.map((s) => obs.get(`${c}/${s}`)?.observedVersion ?? "—").join(",")}
                        </span>
                      </li>
                    ))}
                  </ul>
                  {w.state === "BAKING" && w.bakeStartedAt && w.bakeEndsAt && (
                    <div className="mt-2">
                      <BakeCountdown start={w.bakeStartedAt} end={w.bakeEndsAt} />
                    </div>
                  )}
                  {w.waiting && (
                    <p className="mt-2 text-xs text-slate-600" data-testid="wave-waiting">
                      ⏳ {w.waiting}
                    </p>
                  )}
                  {w.failure && (
                    <p className="mt-2 text-xs font-medium text-red-700" data-testid="wave-failure">
                      ✕ {w.failure}
                    </p>
                  )}
                  {w.guard && (
                    <div className="mt-2 flex items-center gap-2 text-[11px] text-slate-500">
                      <GuardStateBadge state={w.guard.state} />
                      <span>{formatTime(w.guard.lastEvaluatedAt, { seconds: true })}</span>
                    </div>
                  )}
                  {w.breach && (
                    <p className="mt-1 text-xs text-red-700" data-testid="wave-breach">
                      Guard breach at {formatTime(w.breach.at, { seconds: true })} UTC: {w.breach.check} — <MeasuredCell r={w.breach} /> vs{" "}
                      {thresholdText(w.breach)}; {w.breach.action === "pause" ? "release paused for a human" : "wave rolled back"}
                    </p>
                  )}
                  {w.decision && (
                    <p className="mt-2 text-xs text-slate-600">
                      {w.decision.decision === "approve" ? "✓ Approved" : "✕ Rejected"} by {w.decision.by}: “{w.decision.comment}”
                    </p>
                  )}
                  <ul className="mt-2 space-y-0.5 text-[11px] text-slate-500">
                    {w.checks.map((c, k) => (
                      <li key={k}>• {describeCheck(c)}</li>
                    ))}
                    {w.checks.length > 0 && w.onBreach === "pause" && <li>on breach: pause</li>}
                  </ul>
                </li>
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
            <table className="w-full text-sm" data-testid="check-results">
              <thead className="text-left text-xs uppercase text-slate-500">
                <tr>
                  <th className="py-1 pr-3">Wave</th>
                  <th className="pr-3">Check</th>
                  <th className="pr-3">Result</th>
                  <th className="pr-3 text-right">Measured</th>
                  <th className="pr-3 text-right">Threshold</th>
                  <th className="pl-4">Detail</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {r.checkResults.map((c) => (
                  <tr key={c.id.toString()} data-testid="check-row" data-passed={c.passed}>
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
                {r.checkResults.length === 0 && (
                  <tr>
                    <td colSpan={6} className="py-3 text-slate-500">
                      No wave has been validated yet.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </Card>

          <Card title="Release audit trail">
            <div className="-m-4 max-h-96 overflow-auto">
              <AuditTable rows={r.audit} compact />
            </div>
          </Card>
        </div>

        <div className="space-y-6">
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
                    <span className="font-mono text-slate-400">{c.id}</span>
                  </li>
                ))}
              </ul>
            </Card>
          )}
        </div>
      </div>
    </>
  );
}
