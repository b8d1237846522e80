// A pipeline as a horizontal stage graph: one card per wave, its selectors, the cells they resolve
// to in the current fleet, bake time, checks and gates.
import { Bell, CalendarClock, ShieldCheck } from "lucide-react";
import type { ReactNode } from "react";
import { TierBadge } from "@/components/badges";
import { Card } from "@/components/page-header";
import { formatCheck } from "@/lib/rollouts/checks";
import type { PlannedWave } from "@/lib/rollouts/plan";
import { formatSelector } from "@/lib/rollouts/selectors";
import type { WaveSpec } from "@/lib/rollouts/types";
import { formatDuration, plural } from "@/lib/format";

function Badge({ children, tone, testId }: { children: React.ReactNode; tone: "amber" | "sky" | "violet" | "slate"; testId?: string }) {
  const tones = {
    amber: "bg-amber-50 text-amber-800 ring-amber-200",
    sky: "bg-sky-50 text-sky-800 ring-sky-200",
    violet: "bg-violet-50 text-violet-800 ring-violet-200",
    slate: "bg-slate-50 text-slate-700 ring-slate-200",
  };
  return (
    <span
      data-testid={testId}
      className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-[11px] font-medium ring-1 ring-inset ${tones[tone]}`}
    >
      {children}
    </span>
  );
}

function WaveCard({ index, wave, planned, tiers }: { index: number; wave: WaveSpec; planned: PlannedWave[]; tiers: Map<string, string> }) {
  const cells = planned.flatMap((p) => p.cells);
  const mixedTiers = new Set(cells.map((id) => tiers.get(id))).size > 1;
  const bake = formatDuration(wave.bakeMs);
  return (
    <section
      data-testid="wave-card"
      data-wave={wave.name}
      aria-label={`Wave ${index + 1}: ${wave.name}`}
      className="flex w-full min-w-0 flex-col rounded-xl border border-slate-200 bg-white shadow-sm"
    >
      <div className="border-b border-slate-100 px-4 py-3">
        <div className="text-[11px] font-medium uppercase tracking-wide text-slate-500">Wave {index + 1}</div>
        <h3 className="font-semibold text-slate-800" data-testid="wave-name">
          {wave.name}
        </h3>
        <div className="mt-1 flex flex-wrap gap-1 font-mono text-xs text-indigo-700" data-testid="wave-selectors">
          {wave.selectors.map((s, i) => (
            <span key={i} className="rounded bg-indigo-50 px-1.5 py-0.5">
              {formatSelector(s)}
            </span>
          ))}
        </div>
      </div>
      <div className="flex-1 space-y-3 px-4 py-3 text-sm">
        <div>
          <div className="mb-1 flex items-baseline justify-between text-xs text-slate-500">
            <span>{wave.parallel ? "Cells, together" : "Cells, one at a time"}</span>
            <span data-testid="wave-cell-count">{plural(cells.length, "cell")}</span>
          </div>
          {cells.length === 0 ? (
            <p className="rounded-md bg-slate-50 px-2 py-1.5 text-xs text-slate-500">
              No active cell matches now: this wave would be skipped.
            </p>
          ) : (
            <ol className="space-y-0.5 font-mono text-xs" data-testid="wave-cells">
              {cells.map((id, i) => (
                <li key={id} data-testid="wave-cell" className="flex flex-wrap items-center justify-between gap-2">
                  <span>
                    {wave.parallel ? "" : <span className="mr-1 text-slate-500">{i + 1}.</span>}
                    <span data-testid="wave-cell-id">{id}</span>
                  </span>
                  {mixedTiers && tiers.get(id) && <TierBadge tier={tiers.get(id)!} />}
                </li>
              ))}
            </ol>
          )}
        </div>
        <div className="flex items-center justify-between text-xs">
          <span className="text-slate-500">Bake</span>
          <span className="font-medium tabular-nums text-slate-800" data-testid="wave-bake">
            {bake}
            {wave.parallel ? "" : " per cell"}
          </span>
        </div>
        <div>
          <div className="mb-1 text-xs text-slate-500">Checks</div>
          {wave.checks.length === 0 ? (
            <p className="text-xs text-slate-500">none (bake only)</p>
          ) : (
            <ul className="space-y-0.5 font-mono text-xs text-slate-700" data-testid="wave-checks">
              {wave.checks.map((c, i) => (
                <li key={i} className="break-words">
                  {formatCheck(c)}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      {(wave.requiresApproval || wave.notify || wave.maintenanceWindow || !wave.parallel) && (
        <div className="flex flex-wrap gap-1 border-t border-slate-100 px-4 py-2">
          {wave.requiresApproval && (
            <Badge tone="amber" testId="badge-approval">
              <ShieldCheck className="h-3 w-3" aria-hidden />
              Approval required
            </Badge>
          )}
          {wave.notify && (
            <Badge tone="sky" testId="badge-notify">
              <Bell className="h-3 w-3" aria-hidden />
              {wave.notify}
            </Badge>
          )}
          {wave.maintenanceWindow && (
            <Badge tone="violet" testId="badge-window">
              <CalendarClock className="h-3 w-3" aria-hidden />
              Maintenance window
            </Badge>
          )}
          {!wave.parallel && <Badge tone="slate">One cell at a time</Badge>}
        </div>
      )}
    </section>
  );
}

export function PipelineStages({ waves, plan, tiers }: { waves: WaveSpec[]; plan: PlannedWave[]; tiers: Map<string, string> }) {
  return (
    // The waves wrap onto as many lines as the width needs (numbered in order): none is cut off or hidden in a scroller.
    <ol
      className="grid grid-cols-[repeat(auto-fill,minmax(min(100%,16rem),1fr))] items-stretch gap-3"
      data-testid="pipeline-stages"
      aria-label="Waves in order"
    >
      {waves.map((w, i) => (
        <li key={w.name} className="flex items-stretch">
          <WaveCard index={i} wave={w} planned={plan.filter((p) => p.group === w.name)} tiers={tiers} />
        </li>
      ))}
    </ol>
  );
}

/** A YAML file with line numbers, so errors that name a line can be found. */
export function NumberedYaml({ text, testId }: { text: string; testId?: string }) {
  const lines = text.replace(/\n$/, "").split("\n");
  return (
    <pre data-testid={testId} className="overflow-x-auto rounded-lg bg-slate-950 p-3 font-mono text-xs leading-5 text-slate-100">
      {lines.map((l, i) => (
        <div key={i} className="flex">
          <span className="mr-4 w-8 shrink-0 select-none text-right text-slate-500">{i + 1}</span>
          <span className="whitespace-pre">{l}</span>
        </div>
      ))}
    </pre>
  );
}

/** A card holding a YAML file folded under a summary line; opened, it shows with line numbers. */
export function YamlCard({ title, summary, text, testId }: { title: string; summary: ReactNode; text: string; testId?: string }) {
  return (
    <Card title={title}>
      <details data-testid={testId}>
        <summary className="cursor-pointer text-sm text-slate-600">{summary}</summary>
        <div className="mt-3">
          <NumberedYaml text={text} />
        </div>
      </details>
    </Card>
  );
}
