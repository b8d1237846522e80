import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { GuardResults, GuardStateBadge } from "@/components/guard-results";
import { Card, PageHeader } from "@/components/page-header";
import { ScrollBox } from "@/components/scroll-box";
import { canEditFlag } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/server/session";
import { formatDuration, formatMonthDayTime, formatRelative, formatTime } from "@/lib/format";
import { heldBackAt } from "@/lib/flags/exposure";
import { flagDetail } from "@/lib/flags/server/queries";
import { plannedRollout } from "@/lib/flags/schedule";
import { FreezeBanner } from "@/components/freeze-banner";
import { freezeInForce, freezeText } from "@/lib/settings/freezes";
import { describeCheck, formatCheck } from "@/lib/rollouts/checks";
import { LiveView } from "@/components/live-view";
import { liveStamp } from "@/lib/live/server/queries";
import { AllowlistEditor } from "../_components/allowlist-editor";
import { DetailsEditor } from "../_components/details-editor";
import { FlagState } from "../_components/flag-badges";
import { FlagHistory } from "../_components/flag-history";
import { GuardEditor, RequiresEditor } from "../_components/guard-editor";
import { KillSwitch } from "../_components/kill-switch";
import { PreviewPanel } from "../_components/preview-panel";
import { ChangeRequests } from "../_components/change-requests";
import { ResumeRamp } from "../_components/resume-ramp";
import { RolloutEditor } from "../_components/rollout-editor";
import { ScheduleEditor } from "../_components/schedule-editor";
import { ScheduleWarning } from "../_components/schedule-warning";
import { nextStepLowers } from "@/lib/flags/schedule";
import { TargetingEditor } from "../_components/targeting-editor";

export async function generateMetadata({ params }: { params: Promise<{ key: string }> }): Promise<Metadata> {
  return { title: (await params).key };
}

export default async function FlagPage({ params }: { params: Promise<{ key: string }> }) {
  const user = await requireUser();
  const { key } = await params;
  const now = new Date();
  const live = await liveStamp("flag", decodeURIComponent(key), now);
  const detail = await flagDetail(decodeURIComponent(key), now);
  if (!detail) notFound();
  const { flag, effective, next, exposure, customers, cells, regions, history, heldBack, guard, deliveries, notifyTarget, changeRequests } =
    detail;
  const pendingRequests = changeRequests.filter((r) => r.status === "pending").length;
  const canEdit = canEditFlag(user);
  const freeze = freezeInForce(flag.freezes ?? [], now);
  const sourceText =
    effective.source.kind === "frozen"
      ? `held by the freeze since ${formatMonthDayTime(effective.source.since)} (the plan says ${effective.source.planned}%)`
      : effective.source.kind === "held"
        ? `held by its guard since ${formatMonthDayTime(effective.source.since)}`
        : effective.source.kind === "schedule"
          ? `scheduled step since ${formatMonthDayTime(effective.source.since)}`
          : `set by hand ${formatRelative(effective.source.since, now)}`;
  const heldCustomers = heldBackAt(exposure, effective.percentage);
  const nextText = next ? `${next.percentage}% ${formatRelative(next.at, now)} (${formatMonthDayTime(next.at)})` : null;
  const v = flag.version;
  /** Every editor writes to this flag against the version read here (the server refuses a stale one). */
  const edits = { flagKey: flag.key, version: v };
  const lowers = nextStepLowers(flag, now);
  const iso = (s: { at: Date; percentage: number }) => ({ at: s.at.toISOString(), percentage: s.percentage });

  return (
    <>
      <div className="mb-2 flex items-center justify-between gap-2 text-sm">
        <Link href="/flags" className="text-slate-500 hover:text-indigo-700">
          ← Flags
        </Link>
        <LiveView initial={live} />
      </div>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <span className="font-mono">{flag.key}</span>
            <FlagState enabled={flag.enabled} />
            {flag.protected && (
              <span
                className="rounded-full bg-violet-100 px-2 py-0.5 text-xs font-medium text-violet-800 ring-1 ring-inset ring-violet-200"
                data-testid="flag-protected"
              >
                Protected
              </span>
            )}
          </span>
        }
        subtitle={
          <span className="block max-w-3xl">
            {flag.description || "No description."}
            <span className="mt-1 block text-xs text-slate-500">
              Owner {flag.owner || "—"} · version {v} · updated {formatRelative(flag.updatedAt, now)}
            </span>
          </span>
        }
        actions={<KillSwitch key={`ks-${flag.enabled}`} {...edits} enabled={flag.enabled} canEdit={canEdit} />}
      />
      {!flag.enabled && (
        <div
          className="mb-6 rounded-lg border border-slate-300 bg-slate-100 px-4 py-3 text-sm text-slate-700"
          data-testid="flag-off-banner"
        >
          <strong>Off for everyone.</strong> The kill switch overrides the rollout, the schedule and the allowlist: every evaluation returns{" "}
          <code className="font-mono">false</code> (reason <code className="font-mono">DISABLED</code>).
        </div>
      )}
      {flag.protected && (
        <div
          className="mb-6 rounded-lg border border-violet-200 bg-violet-50 px-4 py-3 text-sm text-violet-900"
          data-testid="protected-banner"
        >
          <strong>Protected flag.</strong> Changes by a person become change requests that another product owner or an admin approves
          (four-eyes); switching the flag off applies at once.{" "}
          {pendingRequests > 0 && (
            <a href="#change-requests" className="font-medium underline">
              {pendingRequests} change request{pendingRequests === 1 ? "" : "s"} waiting
            </a>
          )}
        </div>
      )}
      {freeze && (
        <FreezeBanner freeze={freeze}>
          On this flag: raising the percentage, turning it on, adding allowlisted customers, widening its targeting or loosening its
          prerequisites is refused; lowering it, removing customers and the kill switch still work.
          {effective.source.kind === "frozen" && (
            <span className="mt-1 block" data-testid="freeze-ramp">
              The schedule says {effective.source.planned}%: that step waits for the freeze. {effective.percentage}% stays in force until{" "}
              {formatTime(effective.source.until, { utc: true })}; then the ramp continues where the schedule is (the last step whose time
              has passed applies at once).
            </span>
          )}
        </FreezeBanner>
      )}
      {flag.hold && (
        <div className="mb-6 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900" data-testid="ramp-held">
          <strong>Ramp held by its guard at {flag.hold.percentage}%</strong> since {formatTime(flag.hold.at, { seconds: true, utc: true })}
          {notifyTarget && <> · {notifyTarget} notified</>}.
          <p className="mt-1" data-testid="ramp-held-reason">
            {flag.holdReason}
          </p>
          <p className="mt-1 text-xs text-amber-800">
            Scheduled steps wait until a product owner resumes the ramp; the percentage in force stays {flag.hold.percentage}%.
          </p>
          {canEdit && <ResumeRamp {...edits} resumesTo={plannedRollout(flag, now).percentage} />}
        </div>
      )}
      {lowers && !flag.hold && (
        <ScheduleWarning
          key={`sw-${v}`}
          {...edits}
          current={lowers.current}
          manual={lowers.manual}
          next={iso(lowers.next)}
          lower={lowers.lower.map(iso)}
          schedule={flag.schedule.map(iso)}
          now={now.toISOString()}
          canEdit={canEdit}
        />
      )}
      <div className="grid gap-6 xl:grid-cols-3">
        <div className="space-y-6 xl:col-span-2">
          <Card title="Rollout">
            <RolloutEditor
              key={`ro-${effective.percentage}`}
              {...edits}
              enabled={flag.enabled}
              percentage={effective.percentage}
              sourceText={sourceText}
              nextText={nextText}
              exposure={exposure}
              canEdit={canEdit}
              held={flag.hold !== null}
              requires={Object.entries(flag.requires).map(([svc, r]) => `${svc} ${r}`)}
              protectedFlag={flag.protected}
              freeze={freeze ? freezeText(freeze) : null}
            />
          </Card>
          {(flag.protected || changeRequests.length > 0) && (
            <div id="change-requests" className="scroll-mt-20">
              <Card title="Change requests">
                <ChangeRequests requests={changeRequests} version={v} user={user} />
              </Card>
            </div>
          )}
          <Card title="Ramp guard">
            <div data-testid="flag-guard">
              {flag.guard ? (
                <>
                  <div className="flex flex-wrap items-center gap-2 text-xs text-slate-600">
                    <GuardStateBadge state={(guard?.state ?? null) as "watching" | "breached" | "not_enough_data" | null} />
                    <span data-testid="flag-guard-detail">{guard?.detail ?? "not evaluated yet"}</span>
                  </div>
                  <ul className="mt-2 space-y-0.5 font-mono text-xs text-slate-600">
                    {flag.guard.checks.map((c, i) => (
                      <li key={i}>• {describeCheck(c)}</li>
                    ))}
                  </ul>
                  <p className="mt-1 text-xs text-slate-500">
                    On a breach: {flag.guard.onBreach === "revert" ? "revert to the step before" : "hold at the current step"}; each
                    increase watched for {formatDuration(flag.guard.watchForMs)} after the last step
                    {flag.guard.watchHandRaised ? ", percentages raised by hand too" : " (scheduled steps only)"}; notify{" "}
                    {notifyTarget ?? "nobody (set an owner or notify)"}. Baseline of relative checks: the same cells just before the step.
                  </p>
                  {guard && guard.results.length > 0 && (
                    <div className="mt-3">
                      <GuardResults results={guard.results} testId="flag-guard-results" evaluatedAt={guard.evaluatedAt} />
                      {guard.windowFrom && (
                        <p className="mt-1 text-xs text-slate-500">
                          window {formatTime(guard.windowFrom, { seconds: true })} – {formatTime(guard.windowTo, { seconds: true })} UTC on{" "}
                          {guard.cells.join(", ") || "no cell"}
                        </p>
                      )}
                    </div>
                  )}
                </>
              ) : (
                <p className="text-sm text-slate-500">
                  No guard: the schedule steps up whatever the cells where the flag is on do. A guard holds (or reverts) the ramp when they
                  breach its checks.
                </p>
              )}
              {deliveries.length > 0 && (
                <ul className="mt-3 space-y-1 text-xs" data-testid="flag-deliveries">
                  {deliveries.map((d) => (
                    <li key={d.id.toString()}>
                      <span className="font-mono">{d.event}</span> → {d.target} <span className="text-slate-500">({d.status})</span>
                      {d.lastError && <span className="text-red-600"> {d.lastError}</span>}
                    </li>
                  ))}
                </ul>
              )}
              {canEdit && (
                <div className="mt-4 border-t border-slate-100 pt-3">
                  <GuardEditor
                    key={`gu-${v}`}
                    {...edits}
                    guard={
                      flag.guard
                        ? {
                            checks: flag.guard.checks.map(formatCheck),
                            onBreach: flag.guard.onBreach,
                            watchHandRaised: flag.guard.watchHandRaised,
                            notify: flag.guard.notify,
                            watchFor: formatDuration(flag.guard.watchForMs).replace(/ /g, ""),
                          }
                        : null
                    }
                  />
                </div>
              )}
            </div>
          </Card>
          <Card title="Schedule">
            <ScheduleEditor
              key={`sc-${JSON.stringify(flag.schedule)}`}
              {...edits}
              schedule={flag.schedule.map((s) => ({ at: s.at.toISOString(), percentage: s.percentage }))}
              rolloutPercentage={flag.rolloutPercentage}
              percentageSetAt={flag.percentageSetAt.toISOString()}
              now={now.toISOString()}
              canEdit={canEdit}
              freezes={(flag.freezes ?? [])
                .filter((f) => f.endsAt.getTime() > now.getTime() - 30 * 86_400_000)
                .map((f) => ({ startsAt: f.startsAt.toISOString(), endsAt: f.endsAt.toISOString(), reason: f.reason }))}
            />
          </Card>
          <div className="grid gap-6 lg:grid-cols-2">
            <Card title={`Allowlist (${flag.allowlist.length})`}>
              <AllowlistEditor
                key={`al-${flag.allowlist.join(",")}`}
                {...edits}
                allowlist={flag.allowlist}
                customers={customers}
                canEdit={canEdit}
              />
            </Card>
            <Card title="Targeting">
              <TargetingEditor
                key={`tg-${JSON.stringify(flag.targeting)}`}
                {...edits}
                targeting={flag.targeting}
                cells={cells}
                regions={regions}
                canEdit={canEdit}
              />
            </Card>
          </div>
        </div>
        <div className="space-y-6">
          <Card title="Code prerequisites">
            <div data-testid="prerequisites">
              {Object.keys(flag.requires).length === 0 ? (
                <p className="text-sm text-slate-500">None: the flag does not check which versions the home cell runs.</p>
              ) : (
                <>
                  <ul className="font-mono text-xs">
                    {Object.entries(flag.requires).map(([svc, r]) => (
                      <li key={svc}>
                        {svc} {r}
                      </li>
                    ))}
                  </ul>
                  <p className="mt-2 text-sm" data-testid="held-back">
                    {heldBack.length === 0 ? (
                      "Every cell runs the code: nobody is held back."
                    ) : (
                      <>
                        Held back: <strong>{heldBack.length}</strong> cell(s), {heldBack.reduce((n, c) => n + c.customers, 0)} customer(s)
                        homed there ({heldCustomers} of them would have it on now).
                      </>
                    )}
                  </p>
                  {heldBack.length > 0 && (
                    <ul className="mt-1 space-y-0.5 text-xs text-slate-600" data-testid="held-back-cells">
                      {heldBack.map((c) => (
                        <li key={c.cell}>
                          <span className="font-mono">{c.cell}</span> runs {c.service} {c.running ?? "nothing"}, needs {c.range} ·{" "}
                          {c.customers} customer(s)
                        </li>
                      ))}
                    </ul>
                  )}
                  <p className="mt-2 text-xs text-slate-500">
                    Evaluation returns <code className="font-mono">false</code> with reason{" "}
                    <code className="font-mono">PREREQUISITE_FAILED</code> for their customers until their cell runs the code.
                  </p>
                </>
              )}
              {canEdit && (
                <div className="mt-3 border-t border-slate-100 pt-3">
                  <RequiresEditor key={`rq-${v}`} {...edits} requires={flag.requires} />
                </div>
              )}
            </div>
          </Card>
          <Card title="Who is in?">
            <PreviewPanel flagKey={flag.key} customers={customers} />
          </Card>
          <Card title="Evaluate from a service">
            <p className="text-xs text-slate-500">
              Any OpenFeature SDK with the OFREP provider, pointed at this server with a token with scope{" "}
              <code className="font-mono">flags:read</code>:
            </p>
            <ScrollBox className="mt-2 rounded-md bg-slate-900">
              <pre className="p-3 text-[11px] leading-relaxed text-slate-100">{`POST /ofrep/v1/evaluate/flags/${flag.key}
Authorization: Bearer <token>
{"context":{"targetingKey":"<customer id>"}}`}</pre>
            </ScrollBox>
            <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs">
              <dt className="text-slate-500">Salt</dt>
              <dd className="font-mono">{flag.salt}</dd>
              <dt className="text-slate-500">Created</dt>
              <dd>{formatMonthDayTime(flag.createdAt)}</dd>
              <dt className="text-slate-500">Updated</dt>
              <dd>{formatMonthDayTime(flag.updatedAt)}</dd>
            </dl>
          </Card>
          {canEdit && (
            <Card title="Details">
              <DetailsEditor
                key={`de-${flag.description}|${flag.owner}|${flag.salt}|${flag.protected}`}
                {...edits}
                description={flag.description}
                owner={flag.owner}
                salt={flag.salt}
                protected={flag.protected}
              />
            </Card>
          )}
          <Card title="History">
            <FlagHistory events={history} />
            <Link
              href={`/audit?targetType=flag&targetId=${encodeURIComponent(flag.key)}`}
              className="mt-3 inline-block text-xs text-indigo-600 hover:underline"
            >
              All changes in the audit log →
            </Link>
          </Card>
        </div>
      </div>
    </>
  );
}
