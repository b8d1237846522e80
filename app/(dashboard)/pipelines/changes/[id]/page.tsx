import type { Metadata } from "next";
import { Breadcrumbs } from "@/components/ui/breadcrumbs";
import { DetailColumns } from "@/components/ui/detail-columns";
import { notFound } from "next/navigation";
import { Card, PageHeader } from "@/components/page-header";
import { canApprove, canDecideGates } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/server/session";
import { pipelineChangeView } from "@/lib/rollouts/server/pipeline-queries";
import { ChangeDecision } from "./decision";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: `Pipeline change #${(await params).id}` };
}

const fmt = (d: Date) => `${d.toISOString().replace("T", " ").slice(0, 16)} UTC`;

export default async function PipelineChangePage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const view = await pipelineChangeView((await params).id);
  if (!view) notFound();
  const { change: c, currentVersion, diff } = view;
  const stale = c.status === "pending" && currentVersion !== c.baseVersion;
  const mayApprove = canApprove(user, { startedBy: c.proposedBy });
  const mayReject = canDecideGates(user);
  const whyNot = !canDecideGates(user)
    ? `Only release managers and admins decide policy changes (you are ${user.role}).`
    : !mayApprove
      ? "Four-eyes: you proposed this change, so another release manager or an admin must approve it; you may withdraw it."
      : null;
  return (
    <>
      <Breadcrumbs
        trail={[
          { href: "/pipelines", label: "Pipelines" },
          { href: `/pipelines/${c.pipelineId}`, label: c.pipelineId, mono: true },
        ]}
        here={`change #${c.id}`}
      />
      <PageHeader
        title={`Policy change to ${c.pipelineId}`}
        subtitle={
          <span data-testid="change-status">
            {c.status === "pending"
              ? "Waiting for a decision"
              : `${c.status === "approved" ? "Approved" : "Rejected"} by ${c.decidedBy} ${fmt(c.decidedAt!)}`}{" "}
            · proposed by {c.proposedBy} {fmt(c.proposedAt)} against{" "}
            {c.baseVersion === 0 ? "no stored version (a new pipeline)" : `version ${c.baseVersion}`}
            {c.comment && <span className="block text-slate-700">“{c.comment}”</span>}
          </span>
        }
      />
      <DetailColumns
        main={
          <>
            <Card title="What it weakens">
              <ul className="list-disc space-y-1 pl-5 text-sm text-amber-900" data-testid="change-policy">
                {c.changes.map((x) => (
                  <li key={x.text}>{x.text}</li>
                ))}
              </ul>
            </Card>
            <Card title={currentVersion ? `Diff against version ${currentVersion} (native form)` : "The new pipeline (native form)"}>
              <pre className="overflow-x-auto text-xs" data-testid="change-diff">
                {diff.map(([sign, line], i) => (
                  <div
                    key={i}
                    className={sign === "+" ? "bg-emerald-50 text-emerald-800" : sign === "−" ? "bg-red-50 text-red-800" : "text-slate-600"}
                  >
                    {sign} {line}
                  </div>
                ))}
              </pre>
            </Card>
          </>
        }
        side={
          <>
            {c.status === "pending" && stale && (
              <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800" data-testid="change-stale">
                The pipeline changed since this was proposed (now version {currentVersion}): it can only be rejected; import the file again.
              </p>
            )}
            {c.status === "pending" && <ChangeDecision id={c.id} canApprove={mayApprove && !stale} canReject={mayReject} whyNot={whyNot} />}
          </>
        }
      />
    </>
  );
}
