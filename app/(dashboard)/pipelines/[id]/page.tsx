import type { Metadata } from "next";
import Link from "next/link";
import { PrimaryLink } from "@/components/forms/button";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/page-header";
import { PipelineStages, YamlCard } from "@/components/pipeline-stages";
import { canImportPipeline } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/server/session";
import { fleetForPlanning, onePipeline, pendingChanges } from "@/lib/rollouts/server/pipeline-queries";
import { exportPipelineYaml } from "@/lib/rollouts/pipeline-yaml";
import { planWaves } from "@/lib/rollouts/plan";
import { formatTime, plural } from "@/lib/format";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: `Pipeline ${(await params).id}` };
}

export default async function PipelinePage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  const [pipeline, fleet, pending] = await Promise.all([onePipeline(id), fleetForPlanning(), pendingChanges(id)]);
  if (!pipeline) notFound();
  const plan = planWaves(pipeline.spec, fleet);
  const tiers = new Map(fleet.map((c) => [c.id, c.tier]));
  const planned = new Set(plan.flatMap((w) => w.cells));
  const active = fleet.filter((c) => c.status === "active");
  const untouched = active.filter((c) => !planned.has(c.id)).map((c) => c.id);

  return (
    <>
      <PageHeader
        title={pipeline.name}
        subtitle={
          <span className="flex flex-wrap items-center gap-2">
            <span className="font-mono">{pipeline.id}</span>
            <span>·</span>
            <span data-testid="pipeline-format">{pipeline.format === "native" ? "native form" : "state-machine form"}</span>
            <span>·</span>
            <span>
              v{pipeline.version}, updated by {pipeline.updatedBy} {formatTime(pipeline.updatedAt, { utc: true })}
            </span>
          </span>
        }
        actions={
          <>
            <a
              href={`/pipelines/${pipeline.id}/export`}
              download
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50"
            >
              Download YAML
            </a>
            {canImportPipeline(user) && <PrimaryLink href="/pipelines/import">Import pipeline YAML</PrimaryLink>}
          </>
        }
      />
      {pipeline.description && <p className="-mt-3 mb-5 max-w-3xl text-sm text-slate-600">{pipeline.description}</p>}
      {pending.length > 0 && (
        <p className="mb-5 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800" data-testid="pipeline-pending-changes">
          Waiting for approval:{" "}
          {pending.map((c, i) => (
            <span key={c.id}>
              {i > 0 && ", "}
              <Link href={`/pipelines/changes/${c.id}`} className="text-indigo-700 hover:underline">
                change #{c.id}
              </Link>{" "}
              by {c.proposedBy}
            </span>
          ))}
        </p>
      )}

      <section className="mb-6">
        <h2 className="mb-2 text-sm font-semibold text-slate-700">
          Waves, resolved against the fleet now
          <span className="ml-2 font-normal text-slate-500" data-testid="plan-summary">
            {planned.size} of {active.length} active cells in {plural(plan.length, "deployment step")}
          </span>
        </h2>
        <PipelineStages waves={pipeline.spec.waves} plan={plan} tiers={tiers} />
        {untouched.length > 0 && (
          <p className="mt-2 text-xs text-amber-700" data-testid="unplanned-cells">
            Not in any wave: {untouched.join(", ")}
          </p>
        )}
      </section>

      <div className="grid gap-4 xl:grid-cols-2">
        <YamlCard
          title="Original YAML"
          testId="pipeline-source"
          summary={`The file as it was imported (${pipeline.source.split("\n").length} lines)`}
          text={pipeline.source}
        />
        <YamlCard
          title="Native form"
          summary={
            <>
              What <code className="font-mono">npx cellplane export pipeline {pipeline.id}</code> prints
            </>
          }
          text={exportPipelineYaml(pipeline.spec)}
        />
      </div>
    </>
  );
}
