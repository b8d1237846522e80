import type { Metadata } from "next";
import Link from "next/link";
import { ChangeList } from "@/components/changes/change-list";
import { Card, PageHeader } from "@/components/page-header";
import { FilterForm, FilterInput, FilterSelect } from "@/components/ui/filter-form";
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
      <FilterForm clearHref="/changes" testId="change-filters">
        <FilterInput
          label="Cells (comma-separated)"
          name="cell"
          defaultValue={([] as string[]).concat(sp.cell ?? []).join(",")}
          suggestions={{ id: "change-cells", values: options.cells }}
          width="w-56"
        />
        <FilterSelect label="Tier" name="tier" defaultValue={one(sp.tier)} options={["canary", "smb", "enterprise"]} all />
        <FilterSelect label="Region" name="region" defaultValue={one(sp.region)} options={options.regions} all />
        <FilterSelect
          label="Kind"
          name="kind"
          defaultValue={one(sp.kind)}
          options={CHANGE_KINDS.map((k) => [k, KIND_LABELS[k]] as const)}
          all
        />
        <FilterInput
          label="Actor"
          name="actor"
          defaultValue={one(sp.actor)}
          suggestions={{ id: "change-actors", values: options.actors }}
          width="w-52"
        />
        <FilterSelect
          label="Time range"
          name="range"
          defaultValue={range}
          options={Object.keys(RANGES).map((r) => [r, `last ${r}`] as const)}
        />
      </FilterForm>
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
