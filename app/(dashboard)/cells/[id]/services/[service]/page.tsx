import { chartThresholds } from "@/components/health/chart-thresholds";
import { ExternalLink } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { VersionPill } from "@/components/badges";
import { SeriesCharts } from "@/components/health/series-charts";
import { StatusBadge, fmtMs, fmtPct } from "@/components/health/status";
import { Card, PageHeader } from "@/components/page-header";
import { WindowTabs } from "@/components/window-tabs";
import { requireUser } from "@/lib/auth/server/session";
import { cellService } from "@/lib/fleet/server/queries";
import { changeMarkers } from "@/lib/changes/markers";
import { MAX_PAGE } from "@/lib/changes/model";
import { listChanges, NO_FILTER } from "@/lib/changes/server/queries";
import { cellHealth, cellSeries, openAlertsFor, versionHistory } from "@/lib/health/server/queries";
import { bucketFor, WINDOWS, type Window } from "@/lib/health/server/series";
import { currentThresholds } from "@/lib/health/server/thresholds-cache";
import { renderTemplate } from "@/lib/settings/links";
import { linkTemplates } from "@/lib/settings/server/queries";
import { formatTime } from "@/lib/format";

export async function generateMetadata({ params }: { params: Promise<{ id: string; service: string }> }): Promise<Metadata> {
  const p = await params;
  return { title: `${p.service} · ${p.id}` };
}

export default async function ServicePage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string; service: string }>;
  searchParams: Promise<{ window?: string }>;
}) {
  await requireUser();
  const { id, service } = await params;
  const sp = await searchParams;
  const found = await cellService(id, service);
  if (!found) notFound();
  const { cell, cs } = found;
  const window: Window = sp.window && sp.window in WINDOWS ? (sp.window as Window) : "1h";
  const t = await currentThresholds();
  const now = new Date();
  const [health, series, history, alerts, links, changes] = await Promise.all([
    cellHealth(id, t, now),
    cellSeries(id, [service], window, now, true),
    versionHistory(id, service),
    openAlertsFor(id, service),
    linkTemplates(),
    listChanges({ ...NO_FILTER, cells: [id], services: [service], since: new Date(now.getTime() - WINDOWS[window]), limit: MAX_PAGE }),
  ]);
  const markers = changeMarkers(changes.changes, bucketFor(window, true).bucketMs, service);
  const s = health.services.find((x) => x.service === service)!;
  const vars = { cell: id, region: cell.region, tier: cell.tier, service };
  const thresholds = chartThresholds(t);
  return (
    <>
      <nav className="mb-2 text-sm text-slate-500">
        <Link href="/" className="hover:underline">
          Health
        </Link>{" "}
        /{" "}
        <Link href={`/cells/${id}`} className="font-mono hover:underline">
          {id}
        </Link>{" "}
        / {service}
      </nav>
      <PageHeader
        title={
          <span className="flex items-center gap-3">
            {cs.service.name} in <span className="font-mono">{id}</span> <StatusBadge status={s.status} />
          </span>
        }
        subtitle={
          s.reasons.length && s.status !== "green"
            ? s.reasons.join("; ")
            : `Error rate ${fmtPct(s.errorRate)} · p99 ${fmtMs(s.p99Ms)} · CPU ${fmtPct(s.cpu)} · ${s.rps === null ? "—" : Math.round(s.rps)} rps`
        }
        actions={<WindowTabs base={`/cells/${id}/services/${service}`} current={window} />}
      />
      <Card title={`Metrics · last ${window} (fine resolution)`}>
        <SeriesCharts series={series} focus={service} thresholds={thresholds} height={200} markers={markers} />
      </Card>
      <div className="mt-6 grid gap-6 lg:grid-cols-3">
        <Card title="Version">
          <p className="mb-3 text-sm">
            Running <VersionPill observed={s.observedVersion} desired={s.desiredVersion} />
          </p>
          <ol className="space-y-1 text-sm" data-testid="version-history">
            {history.map((h) => (
              <li key={h.id.toString()} className="flex gap-3">
                <span className="font-mono text-xs text-slate-500">{formatTime(h.at, { seconds: true })}</span>
                <span className="font-mono">
                  {h.fromVersion ?? "—"} → {h.toVersion}
                </span>
              </li>
            ))}
            {history.length === 0 && <li className="text-slate-500">No version changes reported yet.</li>}
          </ol>
        </Card>
        <Card title="Logs, traces and dashboards">
          <ul className="space-y-2 text-sm" data-testid="observability-links">
            {(["logs", "traces", "metrics"] as const)
              .filter((k) => links[k])
              .map((k) => (
                <li key={k}>
                  <a
                    className="text-indigo-700 hover:underline"
                    href={renderTemplate(links[k], vars, true)}
                    target="_blank"
                    rel="noreferrer noopener"
                  >
                    {{ logs: "Logs", traces: "Traces", metrics: "Metrics dashboard" }[k]} for {service} in {id}{" "}
                    <ExternalLink aria-hidden className="inline h-3 w-3" />
                  </a>
                </li>
              ))}
          </ul>
          <p className="mt-3 text-xs text-slate-500">Link templates are set by admins in Settings.</p>
        </Card>
        <Card title={`Open alerts (${alerts.length})`}>
          <ul className="space-y-2 text-sm">
            {alerts.map((a) => (
              <li key={a.id.toString()}>
                <span className="font-mono text-xs">{a.type}</span> — {a.summary}
              </li>
            ))}
            {alerts.length === 0 && <li className="text-slate-500">No open alerts.</li>}
          </ul>
        </Card>
      </div>
    </>
  );
}
