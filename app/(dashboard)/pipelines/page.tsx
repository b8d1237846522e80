import type { Metadata } from "next";
import Link from "next/link";
import { PrimaryLink } from "@/components/forms/button";
import { PageHeader } from "@/components/page-header";
import { canImportPipeline } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/server/session";
import { pipelineSummary } from "@/lib/rollouts/describe";
import { allPipelines, pendingChanges } from "@/lib/rollouts/server/pipeline-queries";
import { formatTime } from "@/lib/format";
import { DataTable } from "@/components/data-table";

export const metadata: Metadata = { title: "Pipelines" };

export default async function PipelinesPage() {
  const user = await requireUser();
  const [pipelines, pending] = await Promise.all([allPipelines(), pendingChanges()]);
  return (
    <>
      <PageHeader
        title="Pipelines"
        subtitle="Wave-based rollouts: which cells each wave takes, how long it bakes, what it checks, and where a human must approve."
        actions={canImportPipeline(user) ? <PrimaryLink href="/pipelines/import">Import pipeline YAML</PrimaryLink> : null}
      />
      {pending.length > 0 && (
        <section className="mb-6 rounded-xl border border-amber-200 bg-amber-50 p-4" data-testid="pending-changes">
          <h2 className="text-sm font-semibold text-amber-900">Policy changes waiting for a second release manager or an admin</h2>
          <ul className="mt-2 space-y-1 text-sm">
            {pending.map((c) => (
              <li key={c.id}>
                <Link href={`/pipelines/changes/${c.id}`} className="text-indigo-700 underline">
                  #{c.id} {c.pipelineId}
                </Link>{" "}
                <span className="text-slate-600">
                  by {c.proposedBy}, {formatTime(c.proposedAt, { utc: true })}: {c.changes.map((x) => x.text).join("; ")}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <DataTable
        testId="pipelines-table"
        columns={["Pipeline", "Waves", "Format", { label: "Version", align: "right" }, "Updated"]}
        empty={
          pipelines.length === 0 && (
            <>
              No pipelines yet. Import one from a YAML file, or with <code className="font-mono">npx cellplane import pipeline FILE</code>.
            </>
          )
        }
      >
        {pipelines.map((p) => (
          <tr key={p.id} className="align-top hover:bg-slate-50" data-testid="pipeline-row">
            <td className="px-4 py-2">
              <Link href={`/pipelines/${p.id}`} className="font-mono text-indigo-700 hover:underline">
                {p.id}
              </Link>
              <div className="text-xs text-slate-500">{p.name}</div>
            </td>
            <td className="px-4 py-2 text-slate-700" data-testid="pipeline-summary">
              {pipelineSummary(p.spec)}
            </td>
            <td className="px-4 py-2 text-slate-600">{p.format}</td>
            <td className="px-4 py-2 text-right tabular-nums">v{p.version}</td>
            <td className="px-4 py-2 text-xs text-slate-500">
              <div>{p.updatedBy}</div>
              <div>{formatTime(p.updatedAt, { utc: true })}</div>
            </td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}
