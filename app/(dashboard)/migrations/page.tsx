import type { Metadata } from "next";
import Link from "next/link";
import { PrimaryLink } from "@/components/forms/button";
import { InsetTable } from "@/components/ui/inset-table";
import { LiveView } from "@/components/live-view";
import { liveStamp } from "@/lib/live/server/queries";
import { Card, PageHeader } from "@/components/page-header";
import { canRunMigrations } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/server/session";
import { listRuns } from "@/lib/schema-migrations/server/queries";
import { cellViews, type RunState } from "@/lib/schema-migrations/machine";
import { summarize } from "@/lib/schema-migrations/summary";
import { formatTime } from "@/lib/format";

export const metadata: Metadata = { title: "Migrations" };

/** Where the cells are: "contract 1 · backfill 3 · expand 12" (each cell in its own phase), held cells counted apart. */
function cellsNow(state: RunState): string {
  const views = cellViews(state);
  const by = new Map<string, number>();
  for (const v of views) {
    const k = v.done ? "done" : v.held || v.status === "failed" ? "held" : v.phase;
    by.set(k, (by.get(k) ?? 0) + 1);
  }
  const order = ["done", ...[...state.doc.phases].reverse().map((p) => p.name), "held"];
  return order
    .filter((k) => by.has(k))
    .map((k) => `${k} ${by.get(k)}`)
    .join(" · ");
}

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
            {canRunMigrations(user) && <PrimaryLink href="/migrations/import">Import manifest</PrimaryLink>}
          </>
        }
      />
      <Card>
        <InsetTable
          testId="migrations-table"
          columns={["Migration", "Status", "Cells now", "Progress", "Started"]}
          empty={
            loaded.length === 0 && (
              <>
                No migrations yet. Import one: <code>npx cellplane import migration examples/migration-manifest.sql.yaml</code>.
              </>
            )
          }
          emptyClassName="py-4 text-slate-500"
        >
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
                <td className="pr-3 text-xs" data-testid="migration-cells-now">
                  {cellsNow(state)}
                </td>
                <td className="pr-3 tabular-nums" title={`${s.stepsDone} of ${s.stepsTotal} cell × phase steps done`}>
                  {s.percent}%{" "}
                  <span className="text-xs text-slate-500">
                    ({s.stepsDone}/{s.stepsTotal} cell-phases)
                  </span>
                </td>
                <td className="text-xs text-slate-500">{d.startedAt ? `${formatTime(d.startedAt)} by ${d.startedBy}` : "not started"}</td>
              </tr>
            );
          })}
        </InsetTable>
      </Card>
    </>
  );
}
