// A guard's check results, for release waves and flag ramps alike: each check's state, the measured
// value against its threshold, and for a relative check the baseline and the ratio (two numbers and
// their ratio, Kayenta-style).
import { DataTable } from "@/components/data-table";
import { ScrollBox } from "@/components/scroll-box";
import { formatTime } from "@/lib/format";
import type { CheckResult } from "@/lib/rollouts/engine";

/** A check's result as the guards write it (lib/rollouts/engine.ts), for waves and ramps alike. */
export type GuardResultRow = CheckResult;

/** A row of release_check_results as a result (relative checks are those with a ratio). */
export function storedResult(c: {
  check: string;
  passed: boolean;
  state: string | null;
  measured: number | null;
  threshold: number | null;
  unit: string;
  baseline: number | null;
  ratio: number | null;
  detail: string;
}): GuardResultRow {
  const state = c.state === "pass" || c.state === "breach" || c.state === "not_enough_data" ? c.state : undefined;
  const relative = c.ratio !== null || c.baseline !== null ? { baseline: c.baseline, ratio: c.ratio } : {};
  return {
    check: c.check,
    passed: c.passed,
    state,
    measured: c.measured,
    threshold: c.threshold,
    unit: c.unit,
    detail: c.detail,
    ...relative,
  };
}

const pct = (v: number) => `${(v * 100).toFixed(3)}%`;
const times = (v: number) => `${v >= 100 ? Math.round(v) : Number(v.toPrecision(3))}×`;

/** A value in its unit: 0.012 → "1.200%", 480 → "480 ms". */
export function valueText(unit: string, v: number | null | undefined): string {
  if (v === null || v === undefined) return "no data";
  return unit === "ratio" ? pct(v) : unit === "ms" ? `${Math.round(v)} ms` : String(v);
}

const isRelative = (r: GuardResultRow) => r.ratio !== undefined || r.baseline !== undefined;

export function thresholdText(r: GuardResultRow): string {
  if (r.threshold === null) return "—";
  if (isRelative(r)) return `< ${times(r.threshold)} baseline`;
  return r.unit === "ratio" ? `< ${pct(r.threshold)}` : r.unit === "ms" ? `< ${r.threshold} ms` : `= ${r.threshold}`;
}

export function stateOf(r: GuardResultRow): "pass" | "breach" | "not_enough_data" {
  return r.state ?? (r.passed ? "pass" : "breach");
}

const STATE_TEXT = { pass: "passed", breach: "failed", not_enough_data: "not enough data" } as const;
const STATE_CLASS = { pass: "text-emerald-700", breach: "font-semibold text-red-700", not_enough_data: "text-amber-700" } as const;

export function CheckState({ r }: { r: GuardResultRow }) {
  const s = stateOf(r);
  return <span className={STATE_CLASS[s]}>{STATE_TEXT[s]}</span>;
}

/** Measured, and for a relative check "measured vs baseline = ratio". */
export function MeasuredCell({ r }: { r: GuardResultRow }) {
  if (!isRelative(r)) return <>{valueText(r.unit, r.measured)}</>;
  return (
    <span data-testid="check-relative">
      {valueText(r.unit, r.measured)} <span className="text-slate-500">vs baseline</span> {valueText(r.unit, r.baseline)}{" "}
      <span className="text-slate-500">=</span> {r.ratio === null || r.ratio === undefined ? "—" : times(r.ratio)}
    </span>
  );
}

const GUARD_BADGE = {
  watching: ["bg-emerald-100 text-emerald-800", "watching"],
  breached: ["bg-red-100 text-red-800", "breached"],
  not_enough_data: ["bg-amber-100 text-amber-800", "not enough data"],
} as const;

export function GuardStateBadge({ state }: { state: keyof typeof GUARD_BADGE | null }) {
  if (!state) return <span className="text-xs text-slate-500">not watching</span>;
  const [cls, text] = GUARD_BADGE[state];
  return (
    <span data-testid="guard-state" data-state={state} className={`inline-flex rounded px-1.5 py-0.5 text-[11px] font-semibold ${cls}`}>
      guard: {text}
    </span>
  );
}

/** The results of one guard evaluation. */
export function GuardResults({
  results,
  testId,
  evaluatedAt,
}: {
  results: GuardResultRow[];
  testId: string;
  evaluatedAt?: string | Date | null;
}) {
  return (
    <div>
      {evaluatedAt && <p className="mb-2 text-xs text-slate-500">Last evaluated {formatTime(evaluatedAt, { seconds: true })} UTC</p>}
      <ScrollBox>
        <DataTable
          testId={testId}
          bare
          columns={["Check", "Result", { label: "Measured", align: "right" }, { label: "Threshold", align: "right" }, "Detail"]}
          empty={results.length ? undefined : "No checks evaluated yet."}
        >
          {results.map((r, i) => (
            <tr key={i} data-testid="guard-row" data-state={stateOf(r)}>
              <td className="px-4 py-1.5 font-mono text-xs">{r.check}</td>
              <td className="px-4">
                <CheckState r={r} />
              </td>
              <td className="px-4 text-right tabular-nums">
                <MeasuredCell r={r} />
              </td>
              <td className="px-4 text-right tabular-nums">{thresholdText(r)}</td>
              <td className="px-4 text-xs text-slate-600">{r.detail}</td>
            </tr>
          ))}
        </DataTable>
      </ScrollBox>
    </div>
  );
}
