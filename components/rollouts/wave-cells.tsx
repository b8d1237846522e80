"use client";
// A wave card's cells, live: each cell's status for the services the release rolls (colour and
// shape, worst of them), the version it runs, its error rate and p99 — from the fleet's compact
// feed, the same one the global view polls (one request every 3 s, 304 when nothing changed).
import Link from "next/link";
import { worst } from "@/lib/health/classify";
import type { CellState } from "@/lib/health/fleet-health";
import { fmtMs, fmtPct, STATUS_BG, STATUS_LABEL, StatusGlyph } from "../health/status";
import { useFleetFeed } from "../health/use-fleet-feed";

interface Props {
  cells: string[];
  services: string[];
  /** What the page was rendered with, until the feed arrives: cell → the versions it runs. */
  versions: Record<string, string>;
  target: Record<string, string>;
}

function cellView(cell: CellState | undefined, services: string[]) {
  const mine = cell?.services.filter((s) => services.includes(s.service)) ?? [];
  const max = (xs: (number | null)[]) => xs.reduce<number | null>((m, x) => (x === null ? m : m === null || x > m ? x : m), null);
  return {
    status: worst(mine.map((s) => s.status)),
    errorRate: max(mine.map((s) => s.errorRate)),
    p99Ms: max(mine.map((s) => s.p99Ms)),
    versions: mine.map((s) => s.observedVersion ?? "—").join(","),
  };
}

export function WaveCells({ cells, services, versions, target }: Props) {
  const { data } = useFleetFeed();
  const byId = new Map(data?.health.cells.map((c) => [c.id, c]));
  const views = cells.map((id) => ({ id, ...(data ? cellView(byId.get(id), services) : null) }));
  const worstRate = Math.max(0, ...views.map((v) => v.errorRate ?? 0));
  const worstP99 = Math.max(0, ...views.map((v) => v.p99Ms ?? 0));
  const targetText = services.map((s) => target[s]).join(",");
  return (
    <div data-testid="wave-health">
      {data && (
        <p className="mt-2 text-[11px] text-slate-600" data-testid="wave-health-summary">
          worst error rate <b className="tabular-nums">{fmtPct(worstRate)}</b> · worst p99 <b className="tabular-nums">{fmtMs(worstP99)}</b>
        </p>
      )}
      <ul className="mt-1 space-y-0.5 text-xs">
        {views.map((v) => {
          const running = v.versions ?? versions[v.id] ?? "—";
          return (
            <li
              key={v.id}
              className="flex flex-wrap items-center gap-x-1.5 font-mono"
              data-testid="wave-cell"
              data-cell={v.id}
              data-status={v.status ?? ""}
            >
              <span
                className={`inline-flex h-4 w-4 shrink-0 items-center justify-center rounded ${v.status ? STATUS_BG[v.status] : "bg-slate-100"}`}
                title={v.status ? STATUS_LABEL[v.status] : "loading"}
              >
                {v.status && <StatusGlyph status={v.status} className="h-2.5 w-2.5" />}
                <span className="sr-only">{v.status ? STATUS_LABEL[v.status] : ""}</span>
              </span>
              <Link href={`/cells/${v.id}`} className="min-w-0 break-all text-indigo-700 hover:underline">
                {v.id}
              </Link>
              <span className={running === targetText ? "text-slate-700" : "text-slate-500"} title="running">
                {running}
              </span>
              {v.status && (
                <span className="ml-auto shrink-0 text-right tabular-nums text-slate-500" data-testid="wave-cell-values">
                  {fmtPct(v.errorRate ?? null)} · {fmtMs(v.p99Ms ?? null)}
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
