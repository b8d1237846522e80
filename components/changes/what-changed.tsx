// "What changed?" before an alert, a red service or a failed wave: the changes on the affected cells
// in the window before it began, most likely cause first, with the one-line ranking rule.
import Link from "next/link";
import type { Change } from "@/lib/changes/model";
import { RANKING_RULE, type Ranked, WINDOW_CHOICES_MIN } from "@/lib/changes/rank";
import { formatTime } from "@/lib/format";
import { KindBadge } from "./kind-badge";

export function WhatChanged({
  ranked,
  minutes,
  since,
  windowHref,
  max = 8,
  testId = "what-changed",
}: {
  ranked: Ranked<Change>[];
  minutes: number;
  /** When the trouble began. */
  since: Date;
  /** A link that sets the window (the page keeps it in the URL). */
  windowHref: (minutes: number) => string;
  max?: number;
  testId?: string;
}) {
  return (
    <div className="rounded-lg border border-amber-200 bg-amber-50/60 p-3" data-testid={testId}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 className="text-sm font-semibold text-amber-900">
          What changed in the {minutes} min before {formatTime(since, { utc: true })}?
        </h3>
        <nav aria-label="What changed window" className="flex gap-1 text-xs">
          {WINDOW_CHOICES_MIN.map((m) => (
            <Link
              key={m}
              href={windowHref(m)}
              aria-current={m === minutes ? "true" : undefined}
              className={`rounded px-1.5 py-0.5 ${m === minutes ? "bg-amber-800 text-white" : "text-amber-900 hover:bg-amber-100"}`}
            >
              {m >= 60 ? `${m / 60} h` : `${m} min`}
            </Link>
          ))}
        </nav>
      </div>
      <p className="mt-0.5 text-xs text-amber-800" data-testid="ranking-rule">
        {RANKING_RULE}
      </p>
      {ranked.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">Nothing changed on these cells in that window.</p>
      ) : (
        <ol className="mt-2 space-y-1 text-sm">
          {ranked.slice(0, max).map((r, i) => (
            <li key={r.change.id} className="flex flex-wrap items-baseline gap-2" data-testid="what-changed-item" data-kind={r.change.kind}>
              <span className="w-4 text-right text-xs font-semibold text-amber-900">{i + 1}.</span>
              <KindBadge kind={r.change.kind} />
              <span className="font-mono text-xs text-slate-500">{formatTime(r.change.at, { seconds: true })}</span>
              <span className="font-mono text-xs">{r.change.cell ?? "every cell"}</span>
              {r.change.link ? (
                <Link href={r.change.link} className="text-slate-800 hover:underline">
                  {r.change.summary}
                </Link>
              ) : (
                <span>{r.change.summary}</span>
              )}
              <span className="text-[11px] text-slate-500">({r.why})</span>
            </li>
          ))}
          {ranked.length > max && <li className="pl-6 text-xs text-slate-500">… and {ranked.length - max} more, less likely</li>}
        </ol>
      )}
    </div>
  );
}
