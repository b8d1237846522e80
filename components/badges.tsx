import type { Role } from "@/lib/auth/roles";
import { ROLE_LABELS } from "@/lib/auth/roles";

const TIER_STYLE: Record<string, string> = {
  canary: "bg-amber-100 text-amber-800 ring-amber-200",
  smb: "bg-sky-100 text-sky-800 ring-sky-200",
  enterprise: "bg-violet-100 text-violet-800 ring-violet-200",
};

export function TierBadge({ tier }: { tier: string }) {
  return (
    <span
      className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TIER_STYLE[tier] ?? "bg-slate-100 text-slate-700 ring-slate-200"}`}
    >
      {tier}
    </span>
  );
}

export function RoleBadge({ role }: { role: Role }) {
  return (
    <span
      data-testid="user-role"
      className="inline-flex rounded bg-indigo-500/20 px-1.5 py-0.5 text-[11px] font-medium uppercase tracking-wide text-indigo-200"
    >
      {ROLE_LABELS[role]}
    </span>
  );
}

export function Tag({ children }: { children: React.ReactNode }) {
  return <span className="inline-flex rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[11px] text-slate-700">{children}</span>;
}

export function VersionPill({ observed, desired }: { observed: string | null; desired: string | null }) {
  const drift = desired && observed !== desired;
  return (
    <span
      title={drift ? `desired ${desired}` : undefined}
      className={`inline-flex items-center gap-1 rounded px-1.5 py-0.5 font-mono text-xs ${drift ? "bg-amber-50 text-amber-800 ring-1 ring-amber-200" : "text-slate-700"}`}
    >
      {observed ?? "—"}
      {drift && (
        <span role="img" aria-label={`drifting to ${desired}`}>
          → {desired}
        </span>
      )}
    </span>
  );
}
