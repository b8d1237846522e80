import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AuditTable } from "@/components/audit-table";
import { Tag, TierBadge, VersionPill } from "@/components/badges";
import { Card, PageHeader } from "@/components/page-header";
import { recentAuditFor } from "@/lib/audit/queries";
import { requireUser } from "@/lib/auth/session";
import { getCell } from "@/lib/fleet/queries";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: (await params).id };
}

export default async function CellPage({ params }: { params: Promise<{ id: string }> }) {
  await requireUser();
  const { id } = await params;
  const cell = await getCell(id);
  if (!cell) notFound();
  const audit = await recentAuditFor("cell", cell.id);
  return (
    <>
      <PageHeader
        title={<span className="font-mono">{cell.id}</span>}
        subtitle={
          <span className="flex flex-wrap items-center gap-2">
            <TierBadge tier={cell.tier} /> <span>{cell.region}</span>
            {cell.compliance.map((t) => <Tag key={t}>{t}</Tag>)}
            <span className={cell.status === "active" ? "text-emerald-700" : "text-amber-700"}>● {cell.status}</span>
          </span>
        }
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Services">
          <table className="w-full text-sm" data-testid="cell-services">
            <thead className="text-left text-xs uppercase text-slate-500">
              <tr><th className="py-1">Service</th><th className="py-1">Observed</th><th className="py-1">Desired</th><th className="py-1">Updated</th></tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {cell.services.map((s) => (
                <tr key={s.serviceId}>
                  <td className="py-2 font-medium">{s.service.name}</td>
                  <td className="py-2"><VersionPill observed={s.observedVersion} desired={s.desiredVersion} /></td>
                  <td className="py-2 font-mono text-xs text-slate-600">{s.desiredVersion ?? "—"}</td>
                  <td className="py-2 text-xs text-slate-500">{s.updatedAt.toISOString().slice(0, 16).replace("T", " ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
        <Card title={`Customers homed here (${cell.customers.length})`}>
          <ul className="divide-y divide-slate-100 text-sm" data-testid="cell-customers">
            {cell.customers.map((c) => (
              <li key={c.id} className="flex items-center justify-between py-2">
                <span>{c.name} <span className="ml-1 font-mono text-xs text-slate-500">{c.id}</span></span>
                <Tag>{c.plan}</Tag>
              </li>
            ))}
            {cell.customers.length === 0 && <li className="py-2 text-slate-500">No customers are homed in this cell.</li>}
          </ul>
        </Card>
      </div>
      <Card title="Recent changes" className="mt-6">
        <div className="-m-4 overflow-x-auto"><AuditTable rows={audit} compact /></div>
      </Card>
    </>
  );
}
