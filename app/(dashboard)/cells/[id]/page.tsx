import { chartThresholds } from "@/components/health/chart-thresholds";
import { ScrollBox } from "@/components/scroll-box";
import { CircleAlert, CircleDot } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { Tag, TierBadge, VersionPill } from "@/components/badges";
import { ChangeList } from "@/components/changes/change-list";
import { WhatChanged } from "@/components/changes/what-changed";
import { StatusBadge, fmtMs, fmtPct } from "@/components/health/status";
import { Card, PageHeader } from "@/components/page-header";
import { WindowTabs } from "@/components/window-tabs";
import { requireUser } from "@/lib/auth/server/session";
import { getCell } from "@/lib/fleet/server/queries";
import { changeMarkers } from "@/lib/changes/markers";
import { CHANGE_KINDS, type ChangeKind, KIND_LABELS, MAX_PAGE } from "@/lib/changes/model";
import { windowMinutes } from "@/lib/changes/rank";
import { cellState, listChanges, NO_FILTER, whatChangedBefore } from "@/lib/changes/server/queries";
import { pageProfiler } from "@/lib/changes/server/profile";
import { cellHealth, cellSeries, openAlertsFor, runbooks } from "@/lib/health/server/queries";
import { bucketFor, WINDOWS, type Window } from "@/lib/health/server/series";
import { currentThresholds } from "@/lib/health/server/thresholds-cache";
import { plural } from "@/lib/format";
import { ChartsPlaceholder } from "./charts";
import { AlertsLoading, AlertsSection, ChartsSection, Loading, RunbooksSection, StateSection } from "./sections";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: (await params).id };
}

/** Timeline entries in the page's first HTML; the rest on demand (`?entries=all`, a link). */
const FIRST_SCREEN = 50;

export default async function CellPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ window?: string; service?: string; kind?: string | string[]; changesWindow?: string; entries?: string }>;
}) {
  const timed = pageProfiler("cell");
  const [{ id }, sp] = await Promise.all([params, searchParams]);
  const now = new Date();
  const window: Window = sp.window && sp.window in WINDOWS ? (sp.window as Window) : "1h";
  // The timeline covers the charts' window, so each marker on a chart is an entry below it.
  const kinds = ([] as string[]).concat(sp.kind ?? []).filter((k): k is ChangeKind => (CHANGE_KINDS as readonly string[]).includes(k));
  const minutes = windowMinutes(sp.changesWindow);
  const allEntries = sp.entries === "all";

  // The shell — header, services, customers, "what changed?", the timeline — reads side by side and
  // waits for nothing else. The charts, the state card, alerts and runbooks stream in after it, each
  // in its own Suspense boundary: their reads start once the shell's are done, so they run in the
  // database while the shell renders instead of competing with the shell's reads for this process.
  const cellP = timed("cell", getCell(id));
  const thresholdsP = timed("thresholds", currentThresholds());
  const healthP = thresholdsP.then((t) => timed("health", cellHealth(id, t, now)));
  const timelineP = timed(
    "timeline",
    listChanges({ ...NO_FILTER, cells: [id], kinds, since: new Date(now.getTime() - WINDOWS[window]), limit: MAX_PAGE }),
  );
  // "What changed?" before each red service turned red.
  const causesP = healthP.then((health) =>
    timed(
      "what changed",
      Promise.all(
        health.services
          .filter((s) => s.status === "red")
          .map(async (s) => ({
            service: s.service,
            since: s.since ?? now,
            ranked: await whatChangedBefore({ cells: [id], services: [s.service] }, s.since ?? now, minutes),
          })),
      ),
    ),
  );
  const shellP = Promise.all([timed("session", requireUser()), cellP, thresholdsP, healthP, timelineP, causesP]);
  /** A read for a streamed part: after the shell's reads, for a cell that exists (a page that ends early leaves it unread). */
  const after = <T,>(label: string, read: (cell: NonNullable<Awaited<typeof cellP>>) => Promise<T>): Promise<T> => {
    const p = shellP.then(([, c]) => {
      if (!c) throw new Error(`no cell ${id}`);
      return timed(label, read(c));
    });
    p.catch(() => {}); // not an unhandled rejection: the page itself answers 404 or redirects
    return p;
  };
  const seriesP = after("chart series", (c) =>
    cellSeries(
      c.id,
      c.services.map((s) => s.serviceId),
      window,
      now,
    ),
  );
  const alertsP = after("alerts", (c) => openAlertsFor(c.id));
  const booksP = after("runbooks", () => runbooks());
  const stateP = after("state card", (c) => cellState(c.id, now));

  const [, cell, t, health, timeline, causes] = await shellP;
  if (!cell) notFound();
  await timed("shell data ready", Promise.resolve());
  const redServices = health.services.filter((s) => s.status === "red");
  const focus = health.services.find((s) => s.service === sp.service)?.service ?? redServices[0]?.service ?? null;
  const markers = changeMarkers(timeline.changes, bucketFor(window, false).bucketMs);
  const href = (extra: Record<string, string | string[] | undefined>) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries({
      window: sp.window,
      service: sp.service,
      kind: sp.kind,
      changesWindow: sp.changesWindow,
      entries: sp.entries,
      ...extra,
    }))
      for (const x of ([] as string[]).concat(v ?? [])) q.append(k, x);
    return `/cells/${cell.id}?${q}`;
  };
  const impacted = redServices.length > 0;
  const thresholds = chartThresholds(t);

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
        <Suspense fallback={<ChartsPlaceholder />}>
          <ChartsSection series={seriesP} focus={focus} thresholds={thresholds} markers={markers} />
        </Suspense>
      </Card>

      <Card title="State of the cell" className="mt-6">
        <Suspense fallback={<Loading what="the state of the cell" className="h-40" />}>
          <StateSection state={stateP} />
        </Suspense>
      </Card>

      <div className="mt-6 grid gap-6 xl:grid-cols-2">
        <Suspense fallback={<AlertsLoading />}>
          <AlertsSection alerts={alertsP} />
        </Suspense>
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
          <ChangeList
            changes={timeline.changes}
            showCells={false}
            empty="No change in this window."
            testId="cell-timeline"
            first={allEntries ? undefined : FIRST_SCREEN}
            moreHref={href({ entries: "all" })}
          />
        </Card>
      </div>

      <Card title="Runbooks for this cell" className="mt-6">
        <Suspense fallback={<Loading what="runbooks" />}>
          <RunbooksSection books={booksP} cell={cell} focus={focus} />
        </Suspense>
      </Card>
    </>
  );
}
