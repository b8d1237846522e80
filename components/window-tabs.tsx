import Link from "next/link";

/** Links that switch a `window` query parameter (kept in the URL). */
export function WindowTabs({ base, current, extra = {} }: { base: string; current: string; extra?: Record<string, string | undefined> }) {
  return (
    <nav aria-label="Time window" className="inline-flex rounded-lg border border-slate-200 bg-white p-0.5 text-xs">
      {["1h", "6h", "24h"].map((w) => {
        const q = new URLSearchParams(Object.entries({ ...extra, window: w }).filter(([, v]) => v) as [string, string][]);
        return (
          <Link
            key={w}
            href={`${base}?${q}`}
            aria-current={w === current ? "true" : undefined}
            className={`rounded-md px-2.5 py-1 ${w === current ? "bg-slate-800 text-white" : "text-slate-600 hover:bg-slate-100"}`}
          >
            {w}
          </Link>
        );
      })}
    </nav>
  );
}
