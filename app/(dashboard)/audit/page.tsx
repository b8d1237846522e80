import { ScrollBox } from "@/components/scroll-box";
import type { Metadata } from "next";
import Link from "next/link";
import { AuditTable } from "@/components/audit-table";
import { PageHeader } from "@/components/page-header";
import { FilterForm, FilterInput } from "@/components/ui/filter-form";
import { listAudit, parseAuditFilter } from "@/lib/audit/server/queries";
import { requireUser } from "@/lib/auth/server/session";
import { plural } from "@/lib/format";
import { LiveView } from "@/components/live-view";
import { liveStamp } from "@/lib/live/server/queries";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser();
  const live = await liveStamp("audit");
  const filter = parseAuditFilter(await searchParams);
  const { rows, total, pages } = await listAudit(filter);
  const pageHref = (page: number) => {
    const q = new URLSearchParams(
      Object.entries({ ...filter, page: String(page) }).filter(([, v]) => v !== undefined && v !== "") as [string, string][],
    );
    return `/audit?${q}`;
  };
  return (
    <>
      <PageHeader
        title="Audit log"
        subtitle={`${plural(total, "event")} · append-only, newest first`}
        actions={<LiveView initial={live} />}
      />
      <FilterForm clearHref="/audit">
        {(["actor", "action", "targetType", "targetId"] as const).map((k) => (
          <FilterInput
            key={k}
            label={{ actor: "Actor", action: "Action (prefix)", targetType: "Target type", targetId: "Target id" }[k]}
            name={k}
            defaultValue={filter[k] ?? ""}
          />
        ))}
      </FilterForm>
      <ScrollBox className="rounded-xl border border-slate-200 bg-white shadow-sm">
        <AuditTable rows={rows} />
      </ScrollBox>
      <nav aria-label="Pagination" className="mt-4 flex items-center gap-3 text-sm">
        {filter.page > 1 ? (
          <Link href={pageHref(filter.page - 1)} className="text-indigo-600 hover:underline">
            ← Newer
          </Link>
        ) : (
          <span className="text-slate-500">← Newer</span>
        )}
        <span className="text-slate-500">
          Page {filter.page} of {pages}
        </span>
        {filter.page < pages ? (
          <Link href={pageHref(filter.page + 1)} className="text-indigo-600 hover:underline">
            Older →
          </Link>
        ) : (
          <span className="text-slate-500">Older →</span>
        )}
      </nav>
    </>
  );
}
