// The cell page's parts that stream after its shell (header, services, customers, "what changed?"
// and the timeline): each awaits a read the page started beside the shell's, inside its own
// Suspense boundary, so the shell's HTML does not wait for them.
import type { ChartThresholds } from "@/components/health/chart-thresholds";
import type { ReactNode } from "react";
import { InlineCode } from "@/components/inline-code";
import { StateCard } from "@/components/changes/state-card";
import { Card } from "@/components/page-header";
import type { Marker } from "@/lib/changes/markers";
import type { cellState } from "@/lib/changes/server/queries";
import type { openAlertsFor, runbooks } from "@/lib/health/server/queries";
import type { Point } from "@/lib/health/server/series";
import { formatTime } from "@/lib/format";
import { renderTemplate } from "@/lib/settings/links";
import { CellCharts } from "./charts";
import { compactSeries } from "@/lib/health/compact-series";

/** What a streamed part shows until its data has come: its place, said to be loading. */
export function Loading({ what, className = "h-24" }: { what: string; className?: string }) {
  return (
    <div aria-busy="true" className={`animate-pulse rounded bg-slate-100 ${className}`}>
      <span className="sr-only">Loading {what}…</span>
    </div>
  );
}

export async function ChartsSection(props: {
  series: Promise<Record<string, Point[]>>;
  focus: string | null;
  thresholds: ChartThresholds;
  markers: Marker[];
}) {
  return (
    <CellCharts series={compactSeries(await props.series)} focus={props.focus} thresholds={props.thresholds} markers={props.markers} />
  );
}

export async function StateSection({ state }: { state: ReturnType<typeof cellState> }) {
  const card = await state;
  return card && <StateCard card={card} />;
}

export async function AlertsSection({ alerts }: { alerts: ReturnType<typeof openAlertsFor> }) {
  const list = await alerts;
  return (
    <Card title={`Open alerts (${list.length})`}>
      <ul className="space-y-2 text-sm" data-testid="cell-alerts">
        {list.map((a) => (
          <li key={a.id.toString()} className="flex items-start gap-2">
            <span
              className={`mt-0.5 rounded px-1.5 text-[11px] font-semibold uppercase ${a.severity === "critical" ? "bg-red-100 text-red-800" : a.severity === "warning" ? "bg-amber-100 text-amber-800" : "bg-slate-100 text-slate-700"}`}
            >
              {a.severity}
            </span>
            <span>
              <span className="font-mono text-xs">{a.type}</span> {a.serviceId && <span className="text-slate-500">· {a.serviceId}</span>}
              <div className="text-slate-700">{a.summary}</div>
              <div className="text-xs text-slate-500">since {formatTime(a.startedAt, { utc: true })}</div>
            </span>
          </li>
        ))}
        {list.length === 0 && <li className="text-slate-500">No open alerts.</li>}
      </ul>
    </Card>
  );
}

export function AlertsLoading(): ReactNode {
  return (
    <Card title="Open alerts">
      <Loading what="open alerts" />
    </Card>
  );
}

export async function RunbooksSection({
  books,
  cell,
  focus,
}: {
  books: ReturnType<typeof runbooks>;
  cell: { id: string; region: string; tier: string };
  focus: string | null;
}) {
  return (
    <div className="grid gap-4 lg:grid-cols-3" data-testid="runbooks">
      {(await books).map((b) => (
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
  );
}
