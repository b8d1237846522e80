// Lifecycle and readiness marks for the API versions views: colour AND shape/text, never colour alone.
import { Ban, Check, Circle, CircleDot, Contrast, Clock, Undo2, X } from "lucide-react";
import { StatusBadge } from "@/components/ui/status-badge";
import type { RouteStatus } from "@/lib/gateway/model";
import type { CellReadinessState } from "@/lib/gateway/readiness";

const STATUS_STYLE: Record<RouteStatus, string> = {
  disabled: "bg-slate-100 text-slate-700 ring-slate-300",
  active: "bg-emerald-50 text-emerald-800 ring-emerald-300",
  deprecated: "bg-amber-50 text-amber-800 ring-amber-300",
  sunset: "bg-rose-50 text-rose-800 ring-rose-300",
};

const STATUS_HINT: Record<RouteStatus, string> = {
  disabled: "deployed to cells, receives no traffic at the edge",
  active: "served at the edge",
  deprecated: "served, with Deprecation and Sunset headers",
  sunset: "answers 410 Gone at the edge",
};

export function RouteStatusBadge({ status }: { status: RouteStatus }) {
  return (
    <StatusBadge status={status} tones={STATUS_STYLE} look="pill" ringed testId="route-status" title={STATUS_HINT[status]}>
      {(() => {
        const Icon = { disabled: Circle, active: CircleDot, deprecated: Contrast, sunset: Ban }[status];
        return <Icon aria-hidden className="h-3 w-3" />;
      })()}
      {status}
    </StatusBadge>
  );
}

const READY_STYLE: Record<CellReadinessState, string> = {
  ready: "bg-emerald-500 text-white",
  stale: "bg-amber-300 text-amber-950",
  outdated: "bg-orange-500 text-white",
  missing: "bg-white text-rose-700 ring-1 ring-inset ring-rose-300",
};

export const READY_LABEL: Record<CellReadinessState, string> = { ready: "Ready", stale: "Stale", outdated: "Outdated", missing: "Missing" };
const READY_ICON = { ready: Check, stale: Clock, outdated: Undo2, missing: X } as const;

export function ReadinessMark({ state, title }: { state: CellReadinessState; title?: string }) {
  return (
    <span
      role="img"
      title={title ?? READY_LABEL[state]}
      aria-label={READY_LABEL[state]}
      data-state={state}
      className={`inline-flex h-6 w-6 items-center justify-center rounded text-xs font-semibold ${READY_STYLE[state]}`}
    >
      {(() => {
        const Icon = READY_ICON[state];
        return <Icon aria-hidden className="h-3.5 w-3.5" />;
      })()}
    </span>
  );
}

export function ReadinessLegend() {
  return (
    <div className="flex flex-wrap items-center gap-4 text-xs text-slate-600">
      {(["ready", "outdated", "stale", "missing"] as const).map((s) => (
        <span key={s} className="inline-flex items-center gap-1.5">
          <ReadinessMark state={s} />
          {
            {
              ready: "runs a version that reported the handlers",
              outdated: "runs another version than the one that reported them (rolled back?)",
              stale: "reported without a version, over 15 min ago",
              missing: "never reported them",
            }[s]
          }
        </span>
      ))}
    </div>
  );
}

/** The route's page: `POST /v2/Calls` → /gateway/routes/POST/v2/Calls. */
export const routeHref = (key: string) => `/gateway/routes/${key.replace(" ", "")}`;
