"use client";
// Cross-cell comparison: the worst cells by p99, error rate and CPU (worst of their services).
import { Bar, BarChart, CartesianGrid, Cell as BarCell, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { CellState } from "@/lib/health/server/store";
import type { Thresholds } from "@/lib/health/thresholds";

interface Metric {
  key: "p99Ms" | "errorRate" | "cpu";
  title: string;
  format: (v: number) => string;
  red?: number;
  yellow: number;
}

const TOP = 10;

function worstBy(cells: CellState[], key: Metric["key"]) {
  return cells
    .map((c) => {
      let best: { value: number; service: string } | null = null;
      for (const s of c.services) {
        const v = s[key];
        if (v !== null && s.status !== "no_data" && (best === null || v > best.value)) best = { value: v, service: s.service };
      }
      return best ? { cell: c.id, ...best } : null;
    })
    .filter((x): x is { cell: string; value: number; service: string } => x !== null)
    .sort((a, b) => b.value - a.value)
    .slice(0, TOP);
}

function MetricChart({ cells, m }: { cells: CellState[]; m: Metric }) {
  const data = worstBy(cells, m.key);
  const colour = (v: number) => (m.red !== undefined && v >= m.red ? "#dc2626" : v >= m.yellow ? "#f59e0b" : "#64748b");
  return (
    <figure className="min-w-0" data-testid={`compare-${m.key}`}>
      <figcaption className="mb-1 text-xs font-semibold text-slate-600">
        {m.title}{" "}
        <span className="font-normal text-slate-500">
          — worst {Math.min(TOP, data.length)} of {cells.length} cells
        </span>
      </figcaption>
      {data.length === 0 ? (
        <p className="py-8 text-center text-xs text-slate-500">No data yet</p>
      ) : (
        <ResponsiveContainer width="100%" height={TOP * 18 + 30}>
          <BarChart data={data} layout="vertical" margin={{ left: 4, right: 16, top: 4, bottom: 4 }}>
            <CartesianGrid horizontal={false} strokeDasharray="3 3" stroke="#e2e8f0" />
            <XAxis
              type="number"
              tickFormatter={m.format}
              tick={{ fontSize: 10 }}
              domain={[0, (max: number) => Math.max(max, m.red ?? m.yellow) * 1.05]}
            />
            <YAxis type="category" dataKey="cell" width={150} tick={{ fontSize: 10, fontFamily: "ui-monospace, monospace" }} interval={0} />
            <Tooltip
              formatter={(v) => m.format(Number(v))}
              labelFormatter={(l, p) => `${l} · ${p?.[0]?.payload?.service ?? ""}`}
              contentStyle={{ fontSize: 12 }}
            />
            {m.red !== undefined && <ReferenceLine x={m.red} stroke="#dc2626" strokeDasharray="4 2" />}
            <ReferenceLine x={m.yellow} stroke="#f59e0b" strokeDasharray="4 2" />
            <Bar dataKey="value" isAnimationActive={false} radius={[0, 3, 3, 0]}>
              {data.map((d, i) => (
                <BarCell key={d.cell} fill={colour(d.value)} fillOpacity={i < 3 ? 1 : 0.55} />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}

export function ComparisonCharts({ cells, thresholds }: { cells: CellState[]; thresholds: Thresholds }) {
  const metrics: Metric[] = [
    {
      key: "p99Ms",
      title: "p99 latency",
      format: (v) => `${Math.round(v)} ms`,
      red: thresholds.red.p99Ms,
      yellow: thresholds.yellow.p99Ms,
    },
    {
      key: "errorRate",
      title: "Error rate",
      format: (v) => `${(v * 100).toFixed(2)}%`,
      red: thresholds.red.errorRate,
      yellow: thresholds.yellow.errorRate,
    },
    { key: "cpu", title: "CPU", format: (v) => `${Math.round(v * 100)}%`, yellow: thresholds.yellow.cpu },
  ];
  return (
    <div className="grid gap-4 lg:grid-cols-3">
      {metrics.map((m) => (
        <MetricChart key={m.key} cells={cells} m={m} />
      ))}
    </div>
  );
}
