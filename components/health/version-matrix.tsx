"use client";
import { ScrollBox } from "@/components/scroll-box";
// Deployment status: which cell runs which version of each service, with drift highlighted and a
// filter answering "which cells run version X".
import { useVirtualizer } from "@tanstack/react-virtual";
import Link from "next/link";
import { ServiceVersion } from "@/components/ui/service-version";
import { useMemo, useRef } from "react";
import type { CellState } from "@/lib/health/server/store";

const ROW_H = 32;

export function versionKey(service: string, version: string) {
  return `${service}@${version}`;
}

export function VersionMatrix({
  cells,
  services,
  version,
  onVersion,
}: {
  cells: CellState[];
  services: string[];
  version: string | null;
  onVersion: (v: string | null) => void;
}) {
  const parentRef = useRef<HTMLDivElement>(null);
  const distribution = useMemo(() => {
    const m = new Map<string, Map<string, number>>();
    for (const c of cells)
      for (const s of c.services) {
        const v = s.observedVersion ?? "unknown";
        const per = m.get(s.service) ?? new Map<string, number>();
        per.set(v, (per.get(v) ?? 0) + 1);
        m.set(s.service, per);
      }
    return m;
  }, [cells]);

  const rows = useMemo(() => {
    if (!version) return cells;
    const [svc, ver] = version.split("@");
    return cells.filter((c) => c.services.some((s) => s.service === svc && (s.observedVersion ?? "unknown") === ver));
  }, [cells, version]);
  const drifting = useMemo(
    () => cells.filter((c) => c.services.some((s) => s.desiredVersion && s.desiredVersion !== s.observedVersion)).length,
    [cells],
  );

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => parentRef.current,
    estimateSize: () => ROW_H,
    overscan: 10,
  });
  const cols = `minmax(180px, 1.4fr) ${services.map(() => "minmax(110px, 1fr)").join(" ")}`;

  return (
    <div>
      <div className="mb-3 flex flex-wrap items-center gap-x-6 gap-y-2 text-xs">
        {services.map((svc) => (
          <div key={svc} className="flex flex-wrap items-center gap-1">
            <span className="font-semibold text-slate-600">{svc}</span>
            {[...(distribution.get(svc) ?? new Map()).entries()].sort().map(([v, n]) => {
              const key = versionKey(svc, v);
              const on = version === key;
              return (
                <button
                  key={v}
                  type="button"
                  onClick={() => onVersion(on ? null : key)}
                  aria-pressed={on}
                  className={`rounded px-1.5 py-0.5 font-mono ${on ? "bg-indigo-600 text-white" : "bg-slate-100 text-slate-700 hover:bg-slate-200"}`}
                >
                  {v} ×{n}
                </button>
              );
            })}
          </div>
        ))}
      </div>
      <p className="mb-2 text-xs text-slate-500" data-testid="matrix-summary">
        {version ? `${rows.length} cell${rows.length === 1 ? "" : "s"} run ${version.replace("@", " ")}` : `${cells.length} cells`} ·{" "}
        {drifting} drifting from their desired version
        {version && (
          <button type="button" className="ml-2 text-indigo-600 hover:underline" onClick={() => onVersion(null)}>
            clear
          </button>
        )}
      </p>
      <ScrollBox className="rounded-lg border border-slate-200">
        <div className="min-w-fit">
          <div
            className="grid bg-slate-50 px-3 py-2 text-xs font-semibold uppercase tracking-wide text-slate-500"
            style={{ gridTemplateColumns: cols }}
          >
            <div>Cell</div>
            {services.map((s) => (
              <div key={s}>{s}</div>
            ))}
          </div>
          <div ref={parentRef} className="max-h-[420px] overflow-y-auto" data-testid="version-matrix">
            <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
              {virtualizer.getVirtualItems().map((vi) => {
                const c = rows[vi.index]!;
                return (
                  <div
                    key={c.id}
                    data-testid="matrix-row"
                    className="absolute left-0 right-0 grid items-center border-t border-slate-100 px-3 text-xs"
                    style={{ gridTemplateColumns: cols, height: ROW_H, transform: `translateY(${vi.start}px)` }}
                  >
                    <Link href={`/cells/${c.id}`} prefetch={false} className="truncate font-mono text-indigo-700 hover:underline">
                      {c.id}
                    </Link>
                    {services.map((svc) => (
                      <div key={svc}>
                        <ServiceVersion service={c.services.find((x) => x.service === svc)} />
                      </div>
                    ))}
                  </div>
                );
              })}
            </div>
          </div>
        </div>
      </ScrollBox>
    </div>
  );
}
