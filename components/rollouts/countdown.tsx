"use client";
import { Pause } from "lucide-react";
import { useNow } from "../use-live-query";

function fmt(ms: number) {
  if (ms <= 0) return "0s";
  const s = Math.ceil(ms / 1000);
  const d = Math.floor(s / 86400),
    h = Math.floor((s % 86400) / 3600),
    m = Math.floor((s % 3600) / 60),
    sec = s % 60;
  return d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : m ? `${m}m ${sec}s` : `${sec}s`;
}

/**
 * Bake countdown: remaining time and a progress bar. `pausedAt`: the release is paused and the bake
 * clock stands still (the engine moves the bake's end by the pause when it resumes), so the card
 * shows the time left when it was paused and does not move. The server render and the first
 * browser render both count from `renderedAt`, so they agree (no hydration mismatch).
 */
export function BakeCountdown({
  start,
  end,
  pausedAt,
  renderedAt,
}: {
  start: string;
  end: string;
  pausedAt?: string | null;
  renderedAt: string;
}) {
  const ticking = useNow(500);
  const now = pausedAt ? Date.parse(pausedAt) : (ticking ?? Date.parse(renderedAt));
  const s = Date.parse(start),
    e = Date.parse(end);
  const pct = Math.min(100, Math.max(0, ((now - s) / Math.max(1, e - s)) * 100));
  return (
    <div data-testid="bake-countdown" data-paused={!!pausedAt}>
      <div className="flex justify-between gap-2 text-[11px] text-slate-600">
        {pausedAt ? (
          <span className="flex items-center gap-1 font-semibold text-amber-800" data-testid="bake-paused">
            <Pause aria-hidden className="h-3 w-3" /> Paused · bake clock stopped
          </span>
        ) : (
          <span>Baking</span>
        )}
        <span className="tabular-nums" data-testid="bake-left">
          {fmt(e - now)} left
        </span>
      </div>
      <div
        className="mt-1 h-1.5 overflow-hidden rounded bg-slate-200"
        role="progressbar"
        aria-valuenow={Math.round(pct)}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-label="Bake progress"
      >
        <div className={`h-full transition-all ${pausedAt ? "bg-amber-500" : "bg-indigo-500"}`} style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}
