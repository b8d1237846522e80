import type { Metadata } from "next";
import Link from "next/link";
import { ChangeList } from "@/components/changes/change-list";
import { Card, PageHeader } from "@/components/page-header";
import { requireUser } from "@/lib/auth/server/session";
import { CHANGE_KINDS, changeQuerySchema, fromSearchParams, KIND_LABELS, RANGES, rangeOf, toFilter } from "@/lib/changes/model";
import { changeFilterOptions, listChanges } from "@/lib/changes/server/queries";
import { formatTime, plural } from "@/lib/format";

export const metadata: Metadata = { title: "Changes" };
export const dynamic = "force-dynamic";

type SP = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";

export default async function ChangesPage({ searchParams }: { searchParams: Promise<SP> }) {
  await requireUser();
  const sp = await searchParams;
  const now = new Date();
  const range = rangeOf(sp.range);
  // Filters live in the URL (the API's own names), so a view can be linked in an incident channel.
  const raw = fromSearchParams(sp);
  delete raw.range;
  if (!raw.since && !raw.until) raw.since = new Date(now.getTime() - RANGES[range]).toISOString();
  const parsed = changeQuerySchema.safeParse(raw);
  const [page, options] = await Promise.all([
    parsed.success ? listChanges({ ...toFilter(parsed.data), limit: parsed.data.limit ?? 200 }) : null,
    changeFilterOptions(),
  ]);
  const kinds = parsed.success ? parsed.data.kind : [];
  const keep = (extra: Record<string, string>) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(sp))
      if (k !== "cursor" && v !== undefined) for (const x of ([] as string[]).concat(v)) q.append(k, x);
    for (const [k, v] of Object.entries(extra)) q.set(k, v);
    return `/changes?${q}`;
  };
  const apiQuery = new URLSearchParams(
    Object.entries(raw).flatMap(([k, v]) => ([] as string[]).concat(v as string | string[]).map((x) => [k, x])),
  );
  return (
    <>
      <PageHeader
        title="Changes"
        subtitle="Every change that can affect a cell — versions, flags, routes, migrations, freezes, windows, registry, settings, acknowledgements — on one timeline."
        actions={
          <a href={`/api/v1/changes?${apiQuery}`} className="text-sm text-indigo-700 hover:underline">
            as JSON (API)
          </a>
        }
      />
      <form method="get" role="search" className="mb-4 flex flex-wrap items-end gap-3 text-sm" data-testid="change-filters">
        <label className="flex flex-col gap-1">
          <span className="text-xs text-slate-500">Cells (comma-separated)</span>
          <input
            name="cell"
            list="change-cells"
            defaultValue={([] as string[]).concat(sp.cell ?? []).join(",")}
            className="w-56 rounded-md border border-slate-300 px-2 py-1"
          />
          <datalist id="change-cells">
            {options.cells.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs text-slate-500">Tier</span>
          <select name="tier" aria-label="Tier" defaultValue={one(sp.tier)} className="rounded-md border border-slate-300 px-2 py-1">
            <option value="">All</option>
            {["canary", "smb", "enterprise"].map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs text-slate-500">Region</span>
          <select name="region" aria-label="Region" defaultValue={one(sp.region)} className="rounded-md border border-slate-300 px-2 py-1">
            <option value="">All</option>
            {options.regions.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs text-slate-500">Kind</span>
          <select name="kind" aria-label="Kind" defaultValue={one(sp.kind)} className="rounded-md border border-slate-300 px-2 py-1">
            <option value="">All</option>
            {CHANGE_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs text-slate-500">Actor</span>
          <input
            name="actor"
            list="change-actors"
            defaultValue={one(sp.actor)}
            className="w-52 rounded-md border border-slate-300 px-2 py-1"
          />
          <datalist id="change-actors">
            {options.actors.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs text-slate-500">Time range</span>
          <select name="range" aria-label="Time range" defaultValue={range} className="rounded-md border border-slate-300 px-2 py-1">
            {Object.keys(RANGES).map((r) => (
              <option key={r} value={r}>
                last {r}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="rounded-md bg-slate-800 px-3 py-1.5 text-white">
          Filter
        </button>
        <Link href="/changes" className="px-2 py-1.5 text-slate-500 hover:underline">
          Clear
        </Link>
      </form>
      {!parsed.success ? (
        <p className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800" role="status" data-testid="change-filter-error">
          {parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}
        </p>
      ) : (
        <Card
          title={
            <span>
              {plural(page!.changes.length, "change")}
              {page!.nextCursor ? " (more below)" : ""} since {formatTime(parsed.data.since ?? null, { utc: true })}
              {kinds.length ? ` · ${kinds.join(", ")}` : ""}
            </span>
          }
        >
          <ChangeList changes={page!.changes} empty="No change matches these filters." />
          <nav aria-label="Pagination" className="mt-3 flex gap-3 text-sm">
            {sp.cursor && (
              <Link href={keep({})} className="text-indigo-600 hover:underline">
                ← Newest
              </Link>
            )}
            {page!.nextCursor && (
              <Link href={keep({ cursor: page!.nextCursor })} className="text-indigo-600 hover:underline" data-testid="older-changes">
                Older →
              </Link>
            )}
          </nav>
        </Card>
      )}
    </>
  );
}
