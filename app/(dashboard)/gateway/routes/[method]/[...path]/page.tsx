import type { Metadata } from "next";
import Link from "next/link";
import { DetailColumns } from "@/components/ui/detail-columns";
import { Breadcrumbs } from "@/components/ui/breadcrumbs";
import { notFound } from "next/navigation";
import { READY_LABEL, ReadinessMark, RouteStatusBadge } from "@/components/gateway/badges";
import { RouteHistory } from "@/components/gateway/route-history";
import { Card, PageHeader } from "@/components/page-header";
import { canChangeRoutes, canForceRoute } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/server/session";
import { LiveView } from "@/components/live-view";
import { liveStamp } from "@/lib/live/server/queries";
import { edgeHeaders } from "@/lib/gateway/headers";
import { gatewayOverview, routeHistory } from "@/lib/gateway/server/queries";
import { LifecycleControls } from "../../../lifecycle-controls";
import { consequencesFor } from "@/lib/fleet/server/queries";
import { formatDay, formatTime } from "@/lib/format";
import { FreezeBanner } from "@/components/freeze-banner";
import { freezeNow } from "@/lib/settings/server/queries";

type Params = { method: string; path: string[] };

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const p = await params;
  return { title: `${p.method} /${p.path.map(decodeURIComponent).join("/")}` };
}

export default async function RoutePage({ params }: { params: Promise<Params> }) {
  const user = await requireUser();
  const p = await params;
  const key = `${p.method} /${p.path.map(decodeURIComponent).join("/")}`;
  const now = new Date();
  const live = await liveStamp("gateway", null, now);
  const data = await gatewayOverview(now);
  const view = data.routes.find((v) => v.key === key);
  if (!view) notFound();
  const { route: r, readiness } = view;
  // A sunset answers 410 for every customer still calling the route, whatever their cell.
  const [history, everyone, freeze] = await Promise.all([
    routeHistory(key),
    r.status === "deprecated" ? consequencesFor(data.cells.map((c) => c.id)) : null,
    freezeNow(now),
  ]);
  const headers = edgeHeaders(r);
  const today = formatDay(now);
  const lagging = readiness.lagging;

  return (
    <>
      <Breadcrumbs trail={[{ href: "/gateway", label: "API versions" }]} here={r.resource} aside={<LiveView initial={live} />} />
      <PageHeader
        title={
          <span className="flex items-center gap-3 font-mono">
            {key} <RouteStatusBadge status={r.status} />
          </span>
        }
        subtitle={
          <>
            Served by{" "}
            <span className="font-mono">
              {r.service} {r.version}
            </span>{" "}
            handlers in every cell · backend <code className="rounded bg-slate-100 px-1">{r.backend}</code>
            {r.aliasOf && (
              <>
                {" "}
                · internal alias of <span className="font-mono">{r.aliasOf}</span>
              </>
            )}
          </>
        }
      />
      {freeze && (
        <FreezeBanner freeze={freeze}>
          {r.status === "disabled"
            ? `Enabling ${key} is refused until the freeze ends.`
            : r.status === "deprecated"
              ? `Re-enabling or sunsetting ${key} is refused until the freeze ends; its deprecation dates may still change.`
              : r.status === "active"
                ? `${key} may still be deprecated (headers only); enabling, re-enabling and sunsets wait for the freeze's end.`
                : null}
        </FreezeBanner>
      )}
      <DetailColumns
        wideSide
        main={
          <>
            <Card title="Lifecycle">
              <LifecycleControls
                routeKey={key}
                revision={r.revision}
                status={r.status}
                actions={view.actions}
                canChange={canChangeRoutes(user)}
                canForce={canForceRoute(user)}
                readinessSummary={readiness.summary}
                sunsetTouches={everyone}
                defaults={{
                  deprecationDate: r.deprecationDate ? formatDay(r.deprecationDate) : today,
                  sunsetDate: r.sunsetDate ? formatDay(r.sunsetDate) : "",
                  documentation: r.documentation ?? "",
                }}
              />
            </Card>
            <Card title="History">
              <RouteHistory rows={history} />
              <p className="mt-2 text-xs text-slate-500">
                <Link className="text-indigo-700 hover:underline" href={`/audit?targetType=route&targetId=${encodeURIComponent(key)}`}>
                  All events in the audit log →
                </Link>
              </p>
            </Card>
          </>
        }
        side={
          <>
            <Card title="At the edge">
              <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
                <dt className="text-slate-500">Introduced</dt>
                <dd>{formatDay(r.introduced)}</dd>
                <dt className="text-slate-500">Enabled</dt>
                <dd>
                  {r.status === "disabled" ? "—" : r.enabledAt ? formatTime(r.enabledAt, { utc: true }) : "before it was recorded here"}
                </dd>
                <dt className="text-slate-500">Deprecation</dt>
                <dd>{formatDay(r.deprecationDate)}</dd>
                <dt className="text-slate-500">Sunset</dt>
                <dd>{formatDay(r.sunsetDate)}</dd>
                <dt className="text-slate-500">Documentation</dt>
                <dd className="break-all">
                  {r.documentation ? (
                    <a className="text-indigo-700 hover:underline" href={r.documentation}>
                      {r.documentation}
                    </a>
                  ) : (
                    "—"
                  )}
                </dd>
              </dl>
              <p className="mt-3 text-xs text-slate-500">
                {r.status === "sunset"
                  ? "Answers 410 Gone."
                  : r.status === "disabled"
                    ? "Not routed: answers 404."
                    : "Response headers added by the edge:"}
              </p>
              {Object.keys(headers).length > 0 ? (
                <pre
                  className="mt-1 overflow-x-auto rounded-md bg-slate-900 p-2 text-[11px] leading-relaxed text-slate-100"
                  data-testid="edge-headers"
                >
                  {Object.entries(headers)
                    .map(([k, v]) => `${k}: ${v}`)
                    .join("\n")}
                </pre>
              ) : r.status !== "sunset" && r.status !== "disabled" ? (
                <p className="mt-1 text-xs text-slate-500">none</p>
              ) : null}
            </Card>
            <Card title={`Readiness: ${readiness.readyCount}/${readiness.total} cells serve ${r.service} ${r.version}`}>
              {lagging.length > 0 && (
                <p className="mb-2 text-sm text-amber-800" data-testid="readiness-summary">
                  {readiness.summary}
                </p>
              )}
              <ul className="divide-y divide-slate-100 text-sm" data-testid="route-readiness">
                {readiness.cells.map((c) => (
                  <li
                    key={c.cell}
                    className="flex items-center justify-between gap-2 py-1"
                    data-state={c.state}
                    data-testid={`readiness-${c.cell}`}
                  >
                    <span className="flex items-center gap-2">
                      <ReadinessMark state={c.state} />
                      <Link href={`/cells/${c.cell}`} className="font-mono text-xs text-indigo-700 hover:underline">
                        {c.cell}
                      </Link>
                    </span>
                    <span className="text-xs text-slate-500">
                      {READY_LABEL[c.state]}
                      {c.state === "outdated" ? ` · runs ${r.service} ${c.runningVersion ?? "?"}, reported by ${c.reportedVersion}` : ""}
                      {c.lastReportedAt ? ` · last ${formatTime(c.lastReportedAt, { utc: true })}` : ""}
                    </span>
                  </li>
                ))}
              </ul>
            </Card>
          </>
        }
      />
    </>
  );
}
