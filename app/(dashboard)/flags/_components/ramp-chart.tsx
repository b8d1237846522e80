"use client";
import { Area, CartesianGrid, ComposedChart, ReferenceDot, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { formatMonthDay, formatMonthDayTime } from "@/lib/format";
import type { ScheduleStep } from "@/lib/flags/model";
import { rampPoints } from "@/lib/flags/schedule";
import type { FreezeSpan } from "@/lib/settings/freezes";

const DAY = 24 * 60 * 60 * 1000;

/** The activation ramp as a step chart: what percentage is in force when, with a "today" marker. */
export function RampChart({
  schedule,
  rolloutPercentage,
  percentageSetAt,
  now,
  freezes = [],
}: {
  schedule: ScheduleStep[];
  rolloutPercentage: number;
  percentageSetAt: Date;
  now: Date;
  /** Fleet freezes: the ramp is drawn as they hold it (no rise while one is in force). */
  freezes?: FreezeSpan[];
}) {
  const times = schedule.map((s) => s.at.getTime());
  const from = Math.min(now.getTime(), ...times) - DAY;
  const to = Math.max(now.getTime(), ...times) + DAY;
  const points = rampPoints({ schedule, rolloutPercentage, percentageSetAt, freezes }, new Date(from), new Date(to)).map((p) => ({
    t: p.at.getTime(),
    pct: p.percentage,
  }));
  const ticks: number[] = [];
  const span = to - from;
  const stepDays = Math.max(1, Math.ceil(span / DAY / 8));
  for (let t = Math.ceil(from / DAY) * DAY; t <= to; t += stepDays * DAY) ticks.push(t);

  return (
    <div
      data-testid="ramp-chart"
      className="h-56 w-full"
      role="img"
      aria-label={`Rollout ramp: ${schedule.map((s) => `${s.percentage}% from ${formatMonthDayTime(s.at)}`).join(", ") || "no scheduled steps"}`}
    >
      <ComposedChart
        responsive
        data={points}
        margin={{ top: 18, right: 16, bottom: 0, left: -12 }}
        style={{ width: "100%", height: "100%" }}
      >
        <defs>
          <linearGradient id="rampFill" x1="0" y1="0" x2="0" y2="1">
            <stop offset="0%" stopColor="#6366f1" stopOpacity={0.28} />
            <stop offset="100%" stopColor="#6366f1" stopOpacity={0.04} />
          </linearGradient>
        </defs>
        <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" vertical={false} />
        <XAxis
          dataKey="t"
          type="number"
          scale="time"
          domain={[from, to]}
          ticks={ticks}
          tickFormatter={(t: number) => formatMonthDay(new Date(t))}
          tick={{ fontSize: 11, fill: "#64748b" }}
          stroke="#cbd5e1"
        />
        <YAxis domain={[0, 100]} ticks={[0, 25, 50, 75, 100]} unit="%" tick={{ fontSize: 11, fill: "#64748b" }} stroke="#cbd5e1" />
        <Tooltip
          labelFormatter={(t) => formatMonthDayTime(new Date(Number(t)))}
          formatter={(v) => [`${v}%`, "rollout"]}
          contentStyle={{ fontSize: 12, borderRadius: 8, borderColor: "#e2e8f0" }}
        />
        <Area type="stepAfter" dataKey="pct" stroke="#4f46e5" strokeWidth={2} fill="url(#rampFill)" isAnimationActive={false} dot={false} />
        {schedule.map((s) => (
          <ReferenceDot key={s.at.getTime()} x={s.at.getTime()} y={s.percentage} r={4} fill="#4f46e5" stroke="#fff" strokeWidth={2} />
        ))}
        <ReferenceLine
          x={now.getTime()}
          stroke="#e11d48"
          strokeDasharray="4 3"
          label={{ value: "today", position: "top", fill: "#e11d48", fontSize: 11 }}
        />
      </ComposedChart>
    </div>
  );
}
