// Status colours AND shapes, so the heatmap reads without colour vision.
import type { Status } from "@/lib/health/classify";

export const STATUS_LABEL: Record<Status, string> = { green: "Healthy", yellow: "Degraded", red: "Unhealthy", no_data: "No data" };

export const STATUS_BG: Record<Status, string> = {
  green: "bg-emerald-500",
  yellow: "bg-amber-400",
  red: "bg-red-600",
  no_data: "bg-slate-200",
};

export const STATUS_TEXT: Record<Status, string> = {
  green: "text-emerald-700",
  yellow: "text-amber-700",
  red: "text-red-700",
  no_data: "text-slate-500",
};

/** A glyph per status: dot (healthy), triangle (degraded), cross (unhealthy), dash (no data). */
export function StatusGlyph({ status, className = "h-3 w-3", color }: { status: Status; className?: string; color?: string }) {
  const stroke = color ?? (status === "no_data" ? "#64748b" : "white");
  return (
    <svg viewBox="0 0 12 12" className={className} aria-hidden="true">
      {status === "green" && <circle cx="6" cy="6" r="2.2" fill={stroke} />}
      {status === "yellow" && <path d="M6 2.2 L10 9.6 H2 Z" fill="none" stroke={stroke} strokeWidth="1.6" strokeLinejoin="round" />}
      {status === "red" && <path d="M3 3 L9 9 M9 3 L3 9" stroke={stroke} strokeWidth="2" strokeLinecap="round" />}
      {status === "no_data" && <path d="M3 6 H9" stroke={stroke} strokeWidth="1.6" strokeLinecap="round" />}
    </svg>
  );
}

/** Badges carry text: darker fills than the tiles, so the label reads (WCAG AA contrast). */
const BADGE: Record<Status, string> = {
  green: "bg-emerald-700 text-white",
  yellow: "bg-amber-300 text-amber-950",
  red: "bg-red-700 text-white",
  no_data: "bg-slate-100 text-slate-700",
};

export function StatusBadge({ status }: { status: Status }) {
  return (
    <span className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ${BADGE[status]}`} data-status={status}>
      <StatusGlyph status={status} className="h-2.5 w-2.5" color={status === "yellow" ? "#451a03" : undefined} />
      {STATUS_LABEL[status]}
    </span>
  );
}

export const fmtPct = (x: number | null) => (x === null ? "—" : `${(x * 100).toFixed(x < 0.01 ? 2 : 1)}%`);
export const fmtMs = (x: number | null) => (x === null ? "—" : `${Math.round(x)} ms`);

export function fmtAgo(iso: string | null, now: number): string {
  if (!iso) return "—";
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m ago`;
  return `${Math.floor(s / 86400)}d ago`;
}
