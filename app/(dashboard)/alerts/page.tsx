import type { Metadata } from "next";
import Link from "next/link";
import { WhatChanged } from "@/components/changes/what-changed";
import { Card, PageHeader } from "@/components/page-header";
import { alertDeliveries, alertGroupsWithMutes, silencesOverview } from "@/lib/alerts/server/queries";
import { describeMute } from "@/lib/alerts/silences";
import { canAcknowledgeAlerts, canManageSilences } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/server/session";
import { windowMinutes } from "@/lib/changes/rank";
import { whatChangedBefore } from "@/lib/changes/server/queries";
import { recentlyResolved } from "@/lib/health/server/alert-queries";
import { AcknowledgeGroup } from "./acknowledge";
import { ExpireSilenceButton, SilenceForm } from "./silences";
import { formatTime, plural } from "@/lib/format";
import { DataTable } from "@/components/data-table";
import { LiveView } from "@/components/live-view";
import { liveStamp } from "@/lib/live/server/queries";

export const metadata: Metadata = { title: "Alerts" };
export const dynamic = "force-dynamic";

const SEV = { critical: "bg-red-100 text-red-800", warning: "bg-amber-100 text-amber-800", info: "bg-slate-100 text-slate-700" } as const;

export default async function AlertsPage({ searchParams }: { searchParams: Promise<{ changesWindow?: string }> }) {
  const user = await requireUser();
  const mayAck = canAcknowledgeAlerts(user);
  const maySilence = canManageSilences(user);
  const now = new Date();
  const minutes = windowMinutes((await searchParams).changesWindow);
  const live = await liveStamp("alerts", null, now);
  const [{ groups, firing }, resolved, silences, deliveries] = await Promise.all([
    alertGroupsWithMutes(now),
    recentlyResolved(),
    silencesOverview(now),
    alertDeliveries(),
  ]);
  const local = (d: Date) => d.toISOString().slice(0, 16);
  // "What changed?" on the group's cells in the window before its first alert.
  const causes = new Map(
    await Promise.all(
      groups.map(async (g) => [g.type, await whatChangedBefore({ cells: g.cells, services: g.services }, g.firstSeen, minutes)] as const),
    ),
  );
  return (
    <>
      <PageHeader
        title="Alerts"
        subtitle={`${plural(firing.length, "firing alert")} in ${plural(groups.length, "issue type")} — grouped by issue, not by cell`}
        actions={<LiveView initial={live} />}
      />
      <DataTable
        testId="alert-groups"
        groups
        columns={["Issue type", "Severity", { label: "Cells", align: "right" }, "Services", "First seen (UTC)", "Example"]}
        empty={groups.length === 0 && "No alerts are firing."}
      >
        {groups.map((g) => (
          <tbody key={g.type} className="border-t border-slate-100" data-testid="alert-group" data-type={g.type}>
            <tr>
              <td className="px-4 py-2 font-mono font-medium">{g.type}</td>
              <td className="px-4 py-2">
                <span className={`rounded px-1.5 py-0.5 text-[11px] font-semibold uppercase ${SEV[g.severity]}`}>{g.severity}</span>
              </td>
              <td className="px-4 py-2 text-right tabular-nums" data-testid="group-cell-count">
                {g.cells.length}
              </td>
              <td className="px-4 py-2">{g.services.join(", ") || "—"}</td>
              <td className="px-4 py-2 font-mono text-xs">{formatTime(g.firstSeen)}</td>
              <td className="px-4 py-2 text-slate-600">
                {g.example}
                {g.muted.length > 0 && (
                  <span
                    className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-[11px] font-semibold text-slate-600"
                    data-testid="group-muted"
                  >
                    {g.loud === 0 ? "muted" : `${g.muted.length} of ${g.alerts} muted`}
                  </span>
                )}
              </td>
            </tr>
            <tr>
              <td colSpan={6} className="px-4 pb-3">
                {g.lastAck && (
                  <p className="mb-1 text-xs text-slate-600" data-testid="group-ack">
                    <span className="font-semibold text-emerald-700">
                      {g.acknowledged === g.alerts ? "Acknowledged" : `${g.acknowledged} of ${g.alerts} acknowledged`}
                    </span>{" "}
                    by {g.lastAck.by} at {formatTime(g.lastAck.at, { utc: true })} — “{g.lastAck.comment}”
                    {g.acknowledged < g.alerts && (
                      <span className="font-semibold text-red-700"> · {g.alerts - g.acknowledged} new since</span>
                    )}
                  </p>
                )}
                {mayAck && g.acknowledged < g.alerts && <AcknowledgeGroup type={g.type} pendingAlerts={g.alerts - g.acknowledged} />}
                <div className="my-2">
                  <WhatChanged
                    ranked={causes.get(g.type) ?? []}
                    minutes={minutes}
                    since={g.firstSeen}
                    windowHref={(m) => `/alerts?changesWindow=${m}`}
                    max={5}
                  />
                </div>
                <details>
                  <summary className="cursor-pointer text-xs text-indigo-700">Show the {plural(g.cells.length, "affected cell")}</summary>
                  <ul className="mt-2 grid gap-1 text-xs sm:grid-cols-2 lg:grid-cols-3">
                    {firing
                      .filter((a) => a.type === g.type)
                      .map((a) => (
                        <li key={a.id.toString()}>
                          <Link
                            href={`/cells/${a.cellId}${a.serviceId ? `?service=${a.serviceId}` : ""}`}
                            className="font-mono text-indigo-700 hover:underline"
                          >
                            {a.cellId}
                          </Link>
                          {a.serviceId && <span className="text-slate-500"> · {a.serviceId}</span>}{" "}
                          <span className="text-slate-400">since {formatTime(a.startedAt)}</span>
                          {a.mute && (
                            <span
                              className="ml-1 rounded bg-slate-100 px-1 text-[10px] font-semibold text-slate-600"
                              data-testid="alert-mute"
                            >
                              {describeMute(a.mute)}
                            </span>
                          )}
                          {!a.acknowledgedAt && g.lastAck && (
                            <span className="ml-1 rounded bg-red-50 px-1 text-[10px] font-semibold text-red-700">not acknowledged</span>
                          )}
                        </li>
                      ))}
                  </ul>
                </details>
              </td>
            </tr>
          </tbody>
        ))}
      </DataTable>
      <Card title="Silences" className="mt-6">
        <ul className="mb-4 space-y-2 text-sm" data-testid="silences">
          {silences.active.map((x) => (
            <li
              key={x.id}
              className="flex items-center justify-between gap-4 rounded-md border border-slate-200 px-3 py-2"
              data-testid="silence"
            >
              <span>
                <b>#{x.id}</b> {x.type ?? "any type"} · {x.cells.length ? x.cells.join(", ") : "every cell"} · {x.service ?? "any service"}{" "}
                · {x.severity ?? "any severity"} — “{x.reason}”{" "}
                <span className="text-slate-500">
                  {formatTime(x.startsAt)} → {formatTime(x.endsAt, { utc: true })} · by {x.createdBy}
                </span>
              </span>
              {maySilence && <ExpireSilenceButton id={x.id} />}
            </li>
          ))}
          {silences.active.length === 0 && <li className="text-slate-500">No silence is in force or planned.</li>}
        </ul>
        <p className="mb-3 text-xs text-slate-500">
          Silenced alerts still show here, marked, and send no notification. Alerts on the cells of a wave that is deploying are inhibited
          for the deploy window automatically (never during the bake).
        </p>
        {maySilence && <SilenceForm from={local(now)} to={local(new Date(now.getTime() + 2 * 3600_000))} />}
      </Card>
      <Card title="Alert notifications (delivery log)" className="mt-6">
        <ul className="space-y-1 text-sm" data-testid="alert-deliveries">
          {deliveries.map((d) => (
            <li key={d.id.toString()} className="flex flex-wrap gap-3">
              <span className="font-mono text-xs text-slate-400">{formatTime(d.createdAt)}</span>
              <span className="font-mono text-xs">{d.event}</span>
              <span className="font-mono text-xs text-slate-600">{d.target}</span>
              <span className={d.status === "sent" ? "text-emerald-700" : d.status === "failed" ? "text-red-700" : "text-amber-700"}>
                {d.status}
                {d.attempts > 1 ? ` after ${d.attempts} attempts` : ""}
                {d.lastError ? ` — ${d.lastError}` : ""}
              </span>
            </li>
          ))}
          {deliveries.length === 0 && <li className="text-slate-500">No alert notification sent yet (Settings → Alerting routes them).</li>}
        </ul>
      </Card>
      <Card title="Recently resolved" className="mt-6">
        <ul className="space-y-1 text-sm">
          {resolved.map((a) => (
            <li key={a.id.toString()} className="flex flex-wrap gap-x-3">
              <span className="font-mono text-xs text-slate-500">{a.resolvedAt ? formatTime(a.resolvedAt) : ""}</span>
              <span className="font-mono text-xs">{a.type}</span>
              <Link href={`/cells/${a.cellId}`} className="font-mono text-xs text-indigo-700">
                {a.cellId}
              </Link>
              <span className="min-w-0 break-words text-slate-600">{a.summary}</span>
            </li>
          ))}
          {resolved.length === 0 && <li className="text-slate-500">Nothing resolved recently.</li>}
        </ul>
      </Card>
    </>
  );
}
