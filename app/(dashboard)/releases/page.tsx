import type { Metadata } from "next";
import Link from "next/link";
import { Card, PageHeader } from "@/components/page-header";
import { LiveView } from "@/components/live-view";
import { liveStamp } from "@/lib/live/server/queries";
import { ReleaseStatusBadge, WaveStateBadge } from "@/components/rollouts/badges";
import { canStartRelease } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/server/session";
import { listReleases, releaseStartOptions } from "@/lib/rollouts/server/queries";
import { StartReleaseForm } from "./start-form";
import { formatTime } from "@/lib/format";
import { DataTable } from "@/components/data-table";

export const metadata: Metadata = { title: "Releases" };

export default async function ReleasesPage() {
  const user = await requireUser();
  const live = await liveStamp("releases");
  const [releases, { pipelines, services }] = await Promise.all([listReleases(), releaseStartOptions()]);
  return (
    <>
      <PageHeader
        title="Releases"
        subtitle="Versions rolling through the fleet in waves: canary, then SMB, then enterprise one cell at a time."
        actions={<LiveView initial={live} />}
      />
      {canStartRelease(user) && (
        <Card title="Start a release" className="mb-6">
          {pipelines.length ? (
            <StartReleaseForm pipelines={pipelines} services={services} />
          ) : (
            <p className="text-sm text-slate-500">Import a pipeline first.</p>
          )}
        </Card>
      )}
      <DataTable
        testId="releases-table"
        columns={["Release", "State", "Current wave", "Pipeline", "Started by", "Started (UTC)"]}
        empty={releases.length === 0 && "No releases yet."}
      >
        {releases.map((r) => {
          const w = r.doc.waves[r.doc.current];
          return (
            <tr key={r.id} data-testid="release-row">
              <td className="px-4 py-2">
                <Link href={`/releases/${r.id}`} className="font-medium text-indigo-700 hover:underline">
                  {r.title}
                </Link>
                <div className="font-mono text-[11px] text-slate-500">{r.id}</div>
              </td>
              <td className="px-4 py-2">
                <ReleaseStatusBadge status={r.status} />
              </td>
              <td className="px-4 py-2">
                {w ? (
                  <span className="flex items-center gap-2">
                    {r.doc.current + 1}/{r.doc.waves.length} {w.name} <WaveStateBadge state={w.state} />
                  </span>
                ) : (
                  "—"
                )}
              </td>
              <td className="px-4 py-2 text-slate-600">{r.pipeline.name}</td>
              <td className="px-4 py-2 text-slate-600">{r.startedBy}</td>
              <td className="px-4 py-2 font-mono text-xs">{formatTime(r.startedAt)}</td>
            </tr>
          );
        })}
      </DataTable>
    </>
  );
}
