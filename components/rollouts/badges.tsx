const WAVE: Record<string, string> = {
  PENDING: "bg-slate-100 text-slate-600",
  AWAITING_APPROVAL: "bg-violet-100 text-violet-800",
  DEPLOYING: "bg-sky-100 text-sky-800",
  BAKING: "bg-indigo-100 text-indigo-800",
  VALIDATING: "bg-cyan-100 text-cyan-800",
  PASSED: "bg-emerald-100 text-emerald-800",
  FAILED: "bg-red-100 text-red-800",
  ROLLING_BACK: "bg-orange-100 text-orange-800",
  ROLLED_BACK: "bg-red-100 text-red-800",
  REJECTED: "bg-red-100 text-red-800",
  SKIPPED: "bg-slate-100 text-slate-600",
};

const RELEASE: Record<string, string> = {
  running: "bg-sky-100 text-sky-800",
  awaiting_approval: "bg-violet-100 text-violet-800",
  paused: "bg-amber-100 text-amber-800",
  succeeded: "bg-emerald-100 text-emerald-800",
  rolled_back: "bg-red-100 text-red-800",
  aborted: "bg-slate-200 text-slate-700",
};

export function WaveStateBadge({ state }: { state: string }) {
  return (
    <span
      data-testid="wave-state"
      className={`inline-flex rounded px-1.5 py-0.5 text-[11px] font-semibold uppercase tracking-wide ${WAVE[state] ?? "bg-slate-100"}`}
    >
      {state.replace(/_/g, " ").toLowerCase()}
    </span>
  );
}

export function ReleaseStatusBadge({ status }: { status: string }) {
  return (
    <span
      data-testid="release-status"
      className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ${RELEASE[status] ?? "bg-slate-100"}`}
    >
      {status.replace(/_/g, " ")}
    </span>
  );
}
