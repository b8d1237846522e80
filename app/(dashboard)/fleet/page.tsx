import type { Metadata } from "next";
import Link from "next/link";
import { PrimaryLink } from "@/components/forms/button";
import { Tag, TierBadge } from "@/components/badges";
import { PageHeader } from "@/components/page-header";
import { ServiceVersion } from "@/components/ui/service-version";
import { UrlSelect } from "@/components/url-filter";
import { canImportFleet } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/server/session";
import { TIERS } from "@/lib/fleet/fleet-yaml";
import { listCells, parseFleetFilter } from "@/lib/fleet/server/queries";
import { plural } from "@/lib/format";
import { DataTable } from "@/components/data-table";

export const metadata: Metadata = { title: "Fleet" };

export default async function FleetPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const filter = parseFleetFilter(await searchParams);
  const { cells, regions, services } = await listCells(filter);
  return (
    <>
      <PageHeader
        title="Fleet"
        subtitle={`${plural(cells.length, "cell")}${filter.tier || filter.region ? " matching the filter" : ""} · every cell runs every service with its own database`}
        actions={canImportFleet(user) ? <PrimaryLink href="/fleet/import">Import fleet YAML</PrimaryLink> : null}
      />
      <div className="mb-4 flex flex-wrap items-center gap-4">
        <UrlSelect name="tier" label="Tier" options={TIERS.map((t) => ({ value: t, label: t }))} />
        <UrlSelect name="region" label="Region" options={regions.map((r) => ({ value: r, label: r }))} />
      </div>
      <DataTable
        testId="fleet-table"
        columns={[
          "Cell",
          "Tier",
          "Region",
          "Compliance",
          { label: "Customers", align: "right" },
          ...services.map((s) => ({ label: s.name, key: s.id, padding: "px-3 py-2" })),
        ]}
        empty={cells.length === 0 && "No cells match this filter."}
      >
        {cells.map((c) => {
          const byService = new Map(c.services.map((s) => [s.serviceId, s]));
          return (
            <tr key={c.id} className="hover:bg-slate-50" data-testid="fleet-row">
              <td className="px-4 py-2 font-mono">
                <Link href={`/cells/${c.id}`} className="text-indigo-700 hover:underline">
                  {c.id}
                </Link>
                {c.status !== "active" && <span className="ml-2 text-xs text-amber-700">({c.status})</span>}
              </td>
              <td className="px-4 py-2">
                <TierBadge tier={c.tier} />
              </td>
              <td className="px-4 py-2 text-slate-600">{c.region}</td>
              <td className="px-4 py-2 space-x-1">
                {c.compliance.map((t) => (
                  <Tag key={t}>{t}</Tag>
                ))}
              </td>
              <td className="px-4 py-2 text-right tabular-nums">{c._count.customers}</td>
              {services.map((s) => (
                <td key={s.id} className="px-3 py-2">
                  <ServiceVersion service={byService.get(s.id)} />
                </td>
              ))}
            </tr>
          );
        })}
      </DataTable>
    </>
  );
}
