import { ScrollBox } from "@/components/scroll-box";
import type { Metadata } from "next";
import Link from "next/link";
import { LiveView } from "@/components/live-view";
import { liveStamp } from "@/lib/live/server/queries";
import { Card, PageHeader } from "@/components/page-header";
import { canRunMigrations } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/server/session";
import { listRuns } from "@/lib/schema-migrations/server/queries";
import { summarize } from "@/lib/schema-migrations/summary";
import { formatTime } from "@/lib/format";

export const metadata: Metadata = { title: "Migrations" };

export default async function MigrationsPage() {
  const user = await requireUser();
  const live = await liveStamp("migrations");
  const loaded = await listRuns();
  const now = new Date();
  return (
    <>
      <PageHeader
        title="Schema migrations"
        subtitle="Expand → migrate code → backfill → read-only code → contract, cell by cell, each cell against its own database."
        actions={
          <>
            <LiveView initial={live} />
            {canRunMigrations(user) && (
              <Link href="/migrations/import" className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white">
                Import manifest
              </Link>
            )}
          </>
        }
      />
      <Card>
        <ScrollBox>
          <table className="w-full text-sm" data-testid="migrations-table">
            <thead className="text-left text-xs uppercase text-slate-500">
              <tr>
                <th className="py-1 pr-3">Migration</th>
                <th className="pr-3">Status</th>
                <th className="pr-3">Phase</th>
                <th className="pr-3">Progress</th>
                <th>Started</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {loaded.map(({ state }) => {
                const s = summarize(state, now);
                const d = state.doc;
                return (
                  <tr key={d.id} data-testid="migration-row">
                    <td className="py-2 pr-3">
                      <Link href={`/migrations/${encodeURIComponent(d.id)}`} className="font-mono text-indigo-700 hover:underline">
                        {d.id}
                      </Link>
                      <div className="text-xs text-slate-500">{d.spec.description}</div>
                    </td>
                    <td className="pr-3">{d.status.replace("_", " ")}</td>
                    <td className="pr-3">{d.phases[Math.min(d.current, d.phases.length - 1)]?.name}</td>
                    <td className="pr-3 tabular-nums">{s.percent}%</td>
                    <td className="text-xs text-slate-500">
                      {d.startedAt ? `${formatTime(d.startedAt)} by ${d.startedBy}` : "not started"}
                    </td>
                  </tr>
                );
              })}
              {loaded.length === 0 && (
                <tr>
                  <td colSpan={5} className="py-4 text-slate-500">
                    No migrations yet. Import one: <code>npx cellplane import migration examples/migration-manifest.sql.yaml</code>.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </ScrollBox>
      </Card>
    </>
  );
}
