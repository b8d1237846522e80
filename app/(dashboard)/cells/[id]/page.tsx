import { ScrollBox } from "@/components/scroll-box";
import { CircleAlert, CircleDot } from "lucide-react";
import type { Metadata } from "next";
import { InlineCode } from "@/components/inline-code";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Tag, TierBadge, VersionPill } from "@/components/badges";
import { ChangeList } from "@/components/changes/change-list";
import { StateCard } from "@/components/changes/state-card";
import { WhatChanged } from "@/components/changes/what-changed";
import { SeriesCharts } from "@/components/health/series-charts";
import { StatusBadge, fmtMs, fmtPct } from "@/components/health/status";
import { Card, PageHeader } from "@/components/page-header";
import { WindowTabs } from "@/components/window-tabs";
import { requireUser } from "@/lib/auth/server/session";
import { getCell } from "@/lib/fleet/server/queries";
import { changeMarkers } from "@/lib/changes/markers";
import { CHANGE_KINDS, type ChangeKind, KIND_LABELS, MAX_PAGE } from "@/lib/changes/model";
import { windowMinutes } from "@/lib/changes/rank";
import { cellState, listChanges, NO_FILTER, whatChangedBefore } from "@/lib/changes/server/queries";
import { cellHealth, cellSeries, openAlertsFor, runbooks } from "@/lib/health/server/queries";
import { bucketFor, WINDOWS, type Window } from "@/lib/health/server/series";
import { currentThresholds } from "@/lib/health/server/thresholds-cache";
import { renderTemplate } from "@/lib/settings/links";
import { formatTime, plural } from "@/lib/format";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: (await params).id };
}

export default async function CellPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ window?: string; service?: string; kind?: string | string[]; changesWindow?: string }>;
}) {
  await requireUser();
  const { id } = await params;
  const sp = await searchParams;
  const cell = await getCell(id);
  if (!cell) notFound();
  const window: Window = sp.window && sp.window in WINDOWS ? (sp.window as Window) : "1h";
  const t = await currentThresholds();
  const now = new Date();
  const health = await cellHealth(cell.id, t, now);
  const focus =
    health.services.find((s) => s.service === sp.service)?.service ?? health.services.filter((s) => s.status === "red")[0]?.service ?? null;
  // The timeline covers the charts' window, so each marker on a chart is an entry below it.
  const kinds = ([] as string[]).concat(sp.kind ?? []).filter((k): k is ChangeKind => (CHANGE_KINDS as readonly string[]).includes(k));
  const redServices = health.services.filter((s) => s.status === "red");
  const minutes = windowMinutes(sp.changesWindow);
  const [series, timeline, alerts, books, state, causes] = await Promise.all([
    cellSeries(
      cell.id,
      health.services.map((s) => s.service),
      window,
      now,
    ),
    listChanges({ ...NO_FILTER, cells: [cell.id], kinds, since: new Date(now.getTime() - WINDOWS[window]), limit: MAX_PAGE }),
    openAlertsFor(cell.id),
    runbooks(),
    cellState(cell.id, now),
    // "What changed?" before each red service turned red.
    Promise.all(
      redServices.map(async (s) => ({
        service: s.service,
        since: s.since ?? now,
        ranked: await whatChangedBefore({ cells: [cell.id], services: [s.service] }, s.since ?? now, minutes),
      })),
    ),
  ]);
  const markers = changeMarkers(timeline.changes, bucketFor(window, false).bucketMs);
  const href = (extra: Record<string, string | string[] | undefined>) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries({
      window: sp.window,
      service: sp.service,
      kind: sp.kind,
      changesWindow: sp.changesWindow,
      ...extra,
    }))
      for (const x of ([] as string[]).concat(v ?? [])) q.append(k, x);
    return `/cells/${cell.id}?${q}`;
  };
  const impacted = redServices.length > 0;
  const thresholds = {
    errorRed: t.red.errorRate,
    errorYellow: t.yellow.errorRate,
    p99Red: t.red.p99Ms,
    p99Yellow: t.yellow.p99Ms,
    cpuYellow: t.yellow.cpu,
  };

  return (
    <>
      <PageHeader
        title={
          <span className="flex items-center gap-3">
            <span className="font-mono">{cell.id}</span> <StatusBadge status={health.status} />
          </span>
        }
        subtitle={
          <span className="flex flex-wrap items-center gap-2">
            <TierBadge tier={cell.tier} /> <span>{cell.region}</span>
            {cell.compliance.map((c) => (
              <Tag key={c}>{c}</Tag>
            ))}
            <span className={`inline-flex items-center gap-1 ${cell.status === "active" ? "text-emerald-700" : "text-amber-700"}`}>
              <CircleDot aria-hidden className="h-3 w-3" /> {cell.status}
            </span>
          </span>
        }
        actions={<WindowTabs base={`/cells/${cell.id}`} current={window} extra={{ service: sp.service }} />}
      />

      {causes.map((c) => (
        <div key={c.service} className="mb-6">
          <WhatChanged
            ranked={c.ranked}
            minutes={minutes}
            since={c.since}
            windowHref={(m) => href({ changesWindow: String(m) })}
            testId={`what-changed-${c.service}`}
          />
        </div>
      ))}

      <div className="grid gap-6 xl:grid-cols-3">
        <Card title="Services" className="xl:col-span-2">
          <ScrollBox>
            <table className="w-full text-sm" data-testid="cell-services">
              <thead className="text-left text-xs uppercase text-slate-500">
                <tr>
                  <th className="py-1">Service</th>
                  <th>Status</th>
                  <th className="text-right">Error rate</th>
                  <th className="text-right">p99</th>
                  <th className="text-right">CPU</th>
                  <th className="pl-4">Version</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {health.services.map((s) => (
                  <tr
                    key={s.service}
                    className={s.service === focus ? "bg-indigo-50/60" : undefined}
                    data-testid={`service-row-${s.service}`}
                  >
                    <td className="py-2 font-medium">
                      <Link href={`/cells/${cell.id}/services/${s.service}`} className="text-indigo-700 hover:underline">
                        {s.name}
                      </Link>
                    </td>
                    <td className="py-2">
                      <StatusBadge status={s.status} />
                      {s.reasons.length > 0 && s.status !== "no_data" && (
                        <div className="mt-0.5 text-[11px] text-slate-500">{s.reasons.join("; ")}</div>
                      )}
                    </td>
                    <td className="py-2 text-right tabular-nums">{fmtPct(s.errorRate)}</td>
                    <td className="py-2 text-right tabular-nums">{fmtMs(s.p99Ms)}</td>
                    <td className="py-2 text-right tabular-nums">{fmtPct(s.cpu)}</td>
                    <td className="py-2 pl-4">
                      <VersionPill observed={s.observedVersion} desired={s.desiredVersion} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollBox>
        </Card>

        <Card
          title={
            <span>
              Customer impact <span className="font-normal text-slate-500">({cell.customers.length} homed here)</span>
            </span>
          }
        >
          {impacted ? (
            <p className="mb-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="impact-banner">
              {plural(cell.customers.length, "customer is", "customers are")} affected: {redServices.map((s) => s.service).join(", ")}{" "}
              {redServices.length === 1 ? "is" : "are"} unhealthy in this cell.
            </p>
          ) : (
            <p className="mb-2 text-sm text-slate-500">No service in this cell is unhealthy.</p>
          )}
          <ul className="divide-y divide-slate-100 text-sm" data-testid="cell-customers">
            {cell.customers.map((c) => (
              <li key={c.id} className="flex items-center justify-between py-1.5" data-impacted={impacted || undefined}>
                <span>
                  {impacted && <CircleAlert className="mr-1 inline h-3.5 w-3.5 text-red-600" role="img" aria-label="affected" />}
                  {c.name} <span className="ml-1 font-mono text-xs text-slate-500">{c.id}</span>
                </span>
                <Tag>{c.plan}</Tag>
              </li>
            ))}
            {cell.customers.length === 0 && <li className="py-2 text-slate-500">No customers are homed in this cell.</li>}
          </ul>
        </Card>
      </div>

      <Card
        title={
          <span>
            Metrics · last {window}
            {focus ? (
              <>
                {" "}
                · focus: <span className="font-mono">{focus}</span>
              </>
            ) : null}
          </span>
        }
        className="mt-6"
      >
        <SeriesCharts series={series} focus={focus} thresholds={thresholds} markers={markers} />
      </Card>

      <Card title="State of the cell" className="mt-6">
        {state && <StateCard card={state} />}
      </Card>

      <div className="mt-6 grid gap-6 xl:grid-cols-2">
        <Card title={`Open alerts (${alerts.length})`}>
          <ul className="space-y-2 text-sm" data-testid="cell-alerts">
            {alerts.map((a) => (
              <li key={a.id.toString()} className="flex items-start gap-2">
                <span
                  className={`mt-0.5 rounded px-1.5 text-[11px] font-semibold uppercase ${a.severity === "critical" ? "bg-red-100 text-red-800" : a.severity === "warning" ? "bg-amber-100 text-amber-800" : "bg-slate-100 text-slate-700"}`}
                >
                  {a.severity}
                </span>
                <span>
                  <span className="font-mono text-xs">{a.type}</span>{" "}
                  {a.serviceId && <span className="text-slate-500">· {a.serviceId}</span>}
                  <div className="text-slate-700">{a.summary}</div>
                  <div className="text-xs text-slate-500">since {formatTime(a.startedAt, { utc: true })}</div>
                </span>
              </li>
            ))}
            {alerts.length === 0 && <li className="text-slate-500">No open alerts.</li>}
          </ul>
        </Card>
        <Card
          title={
            <span className="flex flex-wrap items-center justify-between gap-2">
              <span>
                Changes · last {window} ({timeline.changes.length}
                {timeline.nextCursor ? "+" : ""})
              </span>
              <Link href={`/changes?cell=${cell.id}`} className="text-xs font-normal text-indigo-700 hover:underline">
                all changes of this cell →
              </Link>
            </span>
          }
        >
          <nav aria-label="Kinds of change" className="mb-2 flex flex-wrap gap-1 text-xs" data-testid="timeline-kinds">
            <Link
              href={href({ kind: undefined })}
              aria-current={kinds.length === 0 ? "true" : undefined}
              className={`rounded px-1.5 py-0.5 ${kinds.length === 0 ? "bg-slate-800 text-white" : "text-slate-600 hover:bg-slate-100"}`}
            >
              all
            </Link>
            {CHANGE_KINDS.map((k) => (
              <Link
                key={k}
                href={href({ kind: k })}
                aria-current={kinds.length === 1 && kinds[0] === k ? "true" : undefined}
                className={`rounded px-1.5 py-0.5 ${kinds.length === 1 && kinds[0] === k ? "bg-slate-800 text-white" : "text-slate-600 hover:bg-slate-100"}`}
              >
                {KIND_LABELS[k]}
              </Link>
            ))}
          </nav>
          <ChangeList changes={timeline.changes} showCells={false} empty="No change in this window." testId="cell-timeline" />
        </Card>
      </div>

      <Card title="Runbooks for this cell" className="mt-6">
        <div className="grid gap-4 lg:grid-cols-3" data-testid="runbooks">
          {books.map((b) => (
            <article key={b.id} className="rounded-lg border border-slate-200 p-3">
              <h3 className="mb-2 text-sm font-semibold">{b.title}</h3>
              <pre className="whitespace-pre-wrap break-words font-sans text-xs leading-5 text-slate-700" data-testid="runbook-body">
                <InlineCode
                  text={renderTemplate(b.body, {
                    cell: cell.id,
                    region: cell.region,
                    tier: cell.tier,
                    service: focus ?? b.serviceId ?? "the affected service",
                  })}
                />
              </pre>
            </article>
          ))}
        </div>
      </Card>
    </>
  );
}
