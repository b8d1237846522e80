"use client";
// Time series of one or more services of a cell: error rate, p99, CPU and RPS.
import type { ChartThresholds } from "@/components/health/chart-thresholds";
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Marker } from "@/lib/changes/markers";
import type { Point } from "@/lib/health/server/series";
import { formatClock, formatTime } from "@/lib/format";

const COLOURS: Record<string, string> = { sms: "#4f46e5", voice: "#0891b2", video: "#db2777", whatsapp: "#16a34a", email: "#ea580c" };

interface Props {
  series: Record<string, Point[]>;
  focus?: string | null;
  thresholds: ChartThresholds;
  height?: number;
  /** Changes on the cell (and service): a marker each, named in its tooltip. */
  markers?: Marker[];
}

const MARKER_COLOURS: Record<Marker["class"], string> = { version: "#7c3aed", flag: "#0d9488", other: "#64748b" };

/** A change marker: a dashed line with a dot on top, named by its SVG title (the browser's tooltip). */
function MarkerShape({ marker: m, x1, y1, y2 }: { marker: Marker; x1?: number; y1?: number; y2?: number }) {
  if (x1 === undefined || y1 === undefined || y2 === undefined) return <g />;
  const colour = MARKER_COLOURS[m.class];
  return (
    <g data-testid="change-marker" data-class={m.class} aria-label={m.label}>
      <title>{m.label}</title>
      <line x1={x1} x2={x1} y1={y1} y2={y2} stroke="transparent" strokeWidth={8} />
      <line x1={x1} x2={x1} y1={y1} y2={y2} stroke={colour} strokeDasharray="3 3" strokeWidth={1.25} />
      <circle cx={x1} cy={Math.min(y1, y2) + 3} r={m.count > 1 ? 4 : 3} fill={colour} />
    </g>
  );
}

const METRICS = [
  { key: "errorRate", title: "Error rate", fmt: (v: number) => `${(v * 100).toFixed(2)}%` },
  { key: "p99Ms", title: "p99 latency", fmt: (v: number) => `${Math.round(v)} ms` },
  { key: "cpu", title: "CPU", fmt: (v: number) => `${Math.round(v * 100)}%` },
  { key: "rps", title: "Requests / s", fmt: (v: number) => `${Math.round(v)}` },
] as const;

function merge(series: Record<string, Point[]>, key: (typeof METRICS)[number]["key"]) {
  const byT = new Map<number, Record<string, number>>();
  for (const [svc, pts] of Object.entries(series)) {
    for (const p of pts) {
      const row = byT.get(p.t) ?? { t: p.t };
      row[svc] = p[key];
      byT.set(p.t, row);
    }
  }
  return [...byT.values()].sort((a, b) => a.t! - b.t!);
}

export function SeriesCharts({ series, focus, thresholds, height = 180, markers = [] }: Props) {
  const services = Object.keys(series);
  const empty = services.every((s) => series[s]!.length === 0);
  if (empty) return <p className="py-8 text-center text-sm text-slate-500">No samples in this window.</p>;
  return (
    <div className="grid gap-4 md:grid-cols-2">
      {METRICS.map((m) => {
        const data = merge(series, m.key);
        const red = m.key === "errorRate" ? thresholds.errorRed : m.key === "p99Ms" ? thresholds.p99Red : undefined;
        const yellow =
          m.key === "errorRate"
            ? thresholds.errorYellow
            : m.key === "p99Ms"
              ? thresholds.p99Yellow
              : m.key === "cpu"
                ? thresholds.cpuYellow
                : undefined;
        return (
          <figure key={m.key} className="min-w-0" data-testid={`chart-${m.key}`}>
            <figcaption className="mb-1 text-xs font-semibold text-slate-600">{m.title}</figcaption>
            <ResponsiveContainer width="100%" height={height}>
              <LineChart data={data} margin={{ left: 0, right: 8, top: 4, bottom: 0 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
                <XAxis
                  dataKey="t"
                  type="number"
                  scale="time"
                  domain={["dataMin", "dataMax"]}
                  tickFormatter={formatClock}
                  tick={{ fontSize: 10 }}
                />
                <YAxis tickFormatter={m.fmt} tick={{ fontSize: 10 }} width={56} domain={[0, "auto"]} />
                <Tooltip
                  labelFormatter={(t) => formatTime(Number(t), { seconds: true })}
                  formatter={(v) => m.fmt(Number(v))}
                  contentStyle={{ fontSize: 12 }}
                />
                {red !== undefined && <ReferenceLine y={red} stroke="#dc2626" strokeDasharray="4 2" />}
                {yellow !== undefined && <ReferenceLine y={yellow} stroke="#f59e0b" strokeDasharray="4 2" />}
                {markers.map((mk) => (
                  <ReferenceLine
                    key={`change-${mk.t}`}
                    x={mk.t}
                    ifOverflow="discard"
                    shape={(p: { x1?: number; y1?: number; y2?: number }) => <MarkerShape marker={mk} {...p} />}
                  />
                ))}
                {services.length > 1 && <Legend wrapperStyle={{ fontSize: 11 }} />}
                {services.map((svc) => (
                  <Line
                    key={svc}
                    dataKey={svc}
                    name={svc}
                    type="monotone"
                    dot={false}
                    isAnimationActive={false}
                    stroke={COLOURS[svc] ?? "#475569"}
                    strokeWidth={focus === svc ? 2.5 : 1.25}
                    strokeOpacity={focus && focus !== svc ? 0.35 : 1}
                    connectNulls
                  />
                ))}
              </LineChart>
            </ResponsiveContainer>
          </figure>
        );
      })}
    </div>
  );
}
