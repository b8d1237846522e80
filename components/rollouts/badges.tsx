import { StatusBadge } from "@/components/ui/status-badge";

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
    <StatusBadge status={state} tones={WAVE} look="caps" testId="wave-state">
      {state.replace(/_/g, " ").toLowerCase()}
    </StatusBadge>
  );
}

export function ReleaseStatusBadge({ status }: { status: string }) {
  return (
    <StatusBadge status={status} tones={RELEASE} look="pill" testId="release-status">
      {status.replace(/_/g, " ")}
    </StatusBadge>
  );
}
