// Small presentational pieces shared by the flag list and the flag page (server-safe).
import { StatusBadge } from "@/components/ui/status-badge";

export function FlagState({ enabled }: { enabled: boolean }) {
  return enabled ? (
    <span
      data-testid="flag-state"
      className="inline-flex items-center gap-1.5 rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-700 ring-1 ring-inset ring-emerald-200"
    >
      <span className="h-1.5 w-1.5 rounded-full bg-emerald-500" aria-hidden /> On
    </span>
  ) : (
    <span
      data-testid="flag-state"
      className="inline-flex items-center gap-1.5 rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600 ring-1 ring-inset ring-slate-200"
    >
      <span className="h-1.5 w-1.5 rounded-full bg-slate-400" aria-hidden /> Off
    </span>
  );
}

export function PercentBar({ value, muted = false, className = "w-24" }: { value: number; muted?: boolean; className?: string }) {
  return (
    <span className={`inline-block h-1.5 overflow-hidden rounded-full bg-slate-200 align-middle ${className}`} aria-hidden>
      <span className={`block h-full rounded-full ${muted ? "bg-slate-400" : "bg-indigo-500"}`} style={{ width: `${value}%` }} />
    </span>
  );
}

const REASON_STYLE: Record<string, string> = {
  DISABLED: "bg-slate-100 text-slate-700 ring-slate-200",
  TARGETING_MATCH: "bg-violet-50 text-violet-700 ring-violet-200",
  SPLIT: "bg-sky-50 text-sky-700 ring-sky-200",
  DEFAULT: "bg-amber-50 text-amber-800 ring-amber-200",
  ERROR: "bg-red-50 text-red-700 ring-red-200",
};

export function ReasonBadge({ reason }: { reason: string }) {
  return <StatusBadge status={reason} tones={REASON_STYLE} fallback={REASON_STYLE.DEFAULT} look="code" ringed testId="preview-reason" />;
}
