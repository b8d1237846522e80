"use client";
// The cell's charts, drawn in the browser only: their SVG needs the width of the page, so a server
// render would produce nothing to show, only work before the rest of the page can stream. Their data
// comes compact (one time axis, a column per metric, values rounded below what the charts and
// tooltips show): a 24-hour window is 5 services × 96 points × 4 metrics, which as objects of
// full-precision numbers was three quarters of the page's payload.
import type { ChartThresholds } from "@/components/health/chart-thresholds";
import dynamic from "next/dynamic";
import type { Marker } from "@/lib/changes/markers";
import { type CompactSeries, expandSeries } from "@/lib/health/compact-series";

const SeriesCharts = dynamic(() => import("@/components/health/series-charts").then((m) => m.SeriesCharts), {
  ssr: false,
  loading: () => <ChartsPlaceholder />,
});

export function CellCharts({
  series,
  ...rest
}: {
  series: CompactSeries;
  focus: string | null;
  thresholds: ChartThresholds;
  markers: Marker[];
}) {
  return <SeriesCharts series={expandSeries(series)} {...rest} />;
}

export function ChartsPlaceholder() {
  return (
    <div className="grid gap-4 md:grid-cols-2" aria-busy="true">
      {["Error rate", "p99 latency", "CPU", "Requests / s"].map((t) => (
        <div key={t} className="min-w-0">
          <p className="mb-1 text-xs font-semibold text-slate-600">{t}</p>
          <div className="h-[180px] animate-pulse rounded bg-slate-100" />
        </div>
      ))}
    </div>
  );
}
