import { PrimaryLink } from "@/components/forms/button";
import { Check, TriangleAlert } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { InsetTable } from "@/components/ui/inset-table";
import { Suspense } from "react";
import { ReadinessLegend, ReadinessMark, routeHref, RouteStatusBadge } from "@/components/gateway/badges";
import { Card, PageHeader, Skeleton } from "@/components/page-header";
import { TierBadge } from "@/components/badges";
import { canChangeRoutes, canEditSettings } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/server/session";
import { LiveView } from "@/components/live-view";
import { liveStamp } from "@/lib/live/server/queries";
import { routeKey } from "@/lib/gateway/model";
import type { BreakingChangePlan, PlanStep } from "@/lib/gateway/plan";
import { gatewayOverview, type GatewayOverview } from "@/lib/gateway/server/queries";
import { cellReadiness } from "@/lib/gateway/readiness";
import { CellRouterForm } from "./cell-router-form";
import { TryRequest } from "./try-request";
import { formatDay, formatTime } from "@/lib/format";

export const metadata: Metadata = { title: "API versions" };
export const dynamic = "force-dynamic";

const ROUTE_COLUMNS = ["Route", "Status", "Handlers", "Backend", "Introduced", "Deprecation", "Sunset", "Cells ready", ""].map(
  (label, i) => ({ label, key: String(i), className: "px-3 py-2" }),
);

function RoutesTable({ data }: { data: GatewayOverview }) {
  if (!data.routes.length) {
    return <p className="py-6 text-center text-sm text-slate-500">No routes yet. Import a gateway config to start.</p>;
  }
  return (
    <div className="space-y-6" data-testid="routes">
      {data.resources.map((g) => (
        <section key={g.resource} data-testid={`resource-${g.resource}`}>
          <h3 className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">{g.resource}</h3>
          <InsetTable
            frame="rounded-lg border border-slate-200"
            headClassName="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500"
            columns={ROUTE_COLUMNS}
          >
            {g.routes.map(({ key, route: r, readiness }) => (
              <tr key={key} data-testid={`route-row-${key}`} className="hover:bg-slate-50">
                <td className="whitespace-nowrap px-3 py-2 font-mono text-xs">
                  <Link href={routeHref(key)} className="text-indigo-700 hover:underline">
                    <span className="text-slate-500">{r.method}</span> {r.path}
                  </Link>
                  {r.aliasOf && <div className="mt-0.5 font-sans text-[11px] text-slate-500">alias of {r.aliasOf}</div>}
                </td>
                <td className="px-3 py-2">
                  <RouteStatusBadge status={r.status} />
                </td>
                <td className="whitespace-nowrap px-3 py-2 font-mono text-xs">
                  {r.service} {r.version}
                </td>
                <td className="px-3 py-2 font-mono text-[11px] text-slate-600">{r.backend}</td>
                <td className="whitespace-nowrap px-3 py-2 text-xs tabular-nums">{formatDay(r.introduced)}</td>
                <td className="whitespace-nowrap px-3 py-2 text-xs tabular-nums">{formatDay(r.deprecationDate)}</td>
                <td className="whitespace-nowrap px-3 py-2 text-xs tabular-nums">{formatDay(r.sunsetDate)}</td>
                <td className="px-3 py-2 text-xs">
                  {r.status === "sunset" ? (
                    <span className="text-slate-500">—</span>
                  ) : (
                    <span className={readiness.ready ? "text-emerald-700" : "text-amber-700"} title={readiness.summary}>
                      <span className="font-semibold tabular-nums">
                        {readiness.readyCount}/{readiness.total}
                      </span>
                      {!readiness.ready && <span className="ml-1 block text-[11px] text-slate-500">{readiness.summary}</span>}
                    </span>
                  )}
                </td>
                <td className="whitespace-nowrap px-3 py-2 text-right">
                  <Link href={routeHref(key)} className="text-xs font-medium text-indigo-700 hover:underline">
                    Manage →
                  </Link>
                </td>
              </tr>
            ))}
          </InsetTable>
        </section>
      ))}
    </div>
  );
}

const STEP_STYLE: Record<PlanStep["state"], { dot: string; label: string; text: string }> = {
  done: { dot: "bg-emerald-700 text-white", label: "done", text: "text-emerald-700" },
  current: { dot: "bg-indigo-600 text-white", label: "next", text: "text-indigo-700" },
  blocked: { dot: "bg-rose-600 text-white", label: "blocked", text: "text-rose-700" },
  overdue: { dot: "bg-amber-700 text-white", label: "overdue", text: "text-amber-700" },
  pending: { dot: "bg-white text-slate-500 ring-1 ring-inset ring-slate-300", label: "later", text: "text-slate-500" },
};

function PlanTimeline({ plan }: { plan: BreakingChangePlan }) {
  return (
    <div className="rounded-lg border border-slate-200 p-4" data-testid={`plan-${plan.id}`}>
      <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
        <h3 className="text-sm font-semibold text-slate-800">
          {plan.resource}{" "}
          <span className="font-mono text-slate-500">
            {plan.from.path.split("/")[1]} → {plan.to.path.split("/")[1]}
          </span>
        </h3>
        <p
          className={`text-xs font-medium ${plan.next.startsWith("Blocked") ? "text-rose-700" : plan.next.startsWith("Done") ? "text-emerald-700" : "text-indigo-700"}`}
          data-testid="plan-next"
        >
          {plan.next}
        </p>
      </div>
      <ol className="grid gap-3 md:grid-cols-4">
        {plan.steps.map((s, i) => {
          const st = STEP_STYLE[s.state];
          return (
            <li key={s.key} className="relative" data-testid={`plan-step-${s.key}`} data-state={s.state}>
              <div className="flex items-center gap-2">
                <span className={`inline-flex h-6 w-6 shrink-0 items-center justify-center rounded-full text-xs font-semibold ${st.dot}`}>
                  {s.state === "done" ? <Check aria-hidden className="h-3.5 w-3.5" /> : i + 1}
                </span>
                <span className={`text-[11px] font-semibold uppercase tracking-wide ${st.text}`}>{st.label}</span>
                {i < plan.steps.length - 1 && <span className="hidden h-px flex-1 bg-slate-200 md:block" aria-hidden="true" />}
              </div>
              <p className="mt-1.5 text-xs font-medium text-slate-800">{s.title}</p>
              <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-2 text-[11px] text-slate-600">
                <dt className="text-slate-500">planned</dt>
                <dd className="tabular-nums">{formatDay(s.planned)}</dd>
                <dt className="text-slate-500">actual</dt>
                <dd className="tabular-nums">{s.state === "done" ? (s.actual ? formatDay(s.actual) : "done (date not recorded)") : "—"}</dd>
              </dl>
              {s.blocker && (
                <p className="mt-1 flex gap-1 text-[11px] text-rose-700" data-testid="plan-blocker">
                  <TriangleAlert aria-hidden className="mt-px h-3 w-3 shrink-0" /> <span className="min-w-0">{s.blocker}</span>
                </p>
              )}
              {s.note && <p className="mt-1 text-[11px] text-slate-500">{s.note}</p>}
            </li>
          );
        })}
      </ol>
    </div>
  );
}

function ReadinessMatrix({ data }: { data: GatewayOverview }) {
  const cols = data.routes.filter((v) => v.route.status !== "sunset");
  const caps = new Map(cols.map((v) => [v.key, new Map(v.readiness.cells.map((c) => [c.cell, c]))]));
  return (
    <div>
      <div className="mb-3">
        <ReadinessLegend />
      </div>
      <InsetTable
        testId="readiness-matrix"
        frame="rounded-lg border border-slate-200"
        headClassName="bg-slate-50 text-xs text-slate-500"
        columns={[
          { label: "Cell", className: "px-3 py-2 text-left uppercase tracking-wide" },
          ...cols.map((v) => ({
            key: v.key,
            className: "px-2 py-2 text-center font-normal",
            label: (
              <>
                <div className="font-mono text-[11px] text-slate-700">{v.route.path}</div>
                <div className="text-[10px]">
                  {v.route.service} {v.route.version} · {v.readiness.readyCount}/{v.readiness.total}
                </div>
              </>
            ),
          })),
        ]}
        empty={data.cells.length === 0 && "No active cells."}
        emptyClassName="px-3 py-6 text-center text-slate-500"
      >
        {data.cells.map((c) => (
          <tr key={c.id} data-testid={`matrix-row-${c.id}`}>
            <td className="whitespace-nowrap px-3 py-1.5 font-mono text-xs">
              <Link href={`/cells/${c.id}`} className="text-indigo-700 hover:underline">
                {c.id}
              </Link>{" "}
              <TierBadge tier={c.tier} />
            </td>
            {cols.map((v) => {
              const r = caps.get(v.key)?.get(c.id) ?? cellReadiness(c.id, v.route.service, v.route.version, new Map(), data.now);
              return (
                <td
                  key={v.key}
                  className="px-2 py-1.5 text-center"
                  data-testid={`matrix-${c.id}-${routeKey(v.route)}`}
                  data-state={r.state}
                >
                  <ReadinessMark
                    state={r.state}
                    title={`${c.id}: ${v.route.service} ${v.route.version} ${r.state}${r.lastReportedAt ? `, last reported ${formatTime(r.lastReportedAt, { utc: true })}, first ${formatTime(r.firstReportedAt, { utc: true })}` : ""}`}
                  />
                </td>
              );
            })}
          </tr>
        ))}
      </InsetTable>
    </div>
  );
}

async function Overview({ canEdit, canChange }: { canEdit: boolean; canChange: boolean }) {
  const data = await gatewayOverview(new Date());
  return (
    <div className="space-y-6">
      <p className="text-xs text-slate-500" data-testid="config-version">
        Gateway config version <span className="font-mono font-semibold text-slate-700">{data.version.version}</span>
        {data.version.updatedBy && (
          <>
            {" "}
            · last changed {formatTime(data.version.updatedAt, { utc: true })} by {data.version.updatedBy}
          </>
        )}
        {" · "}the Landing Zone polls <code className="rounded bg-slate-100 px-1">GET /api/v1/gateway/config</code> with If-None-Match
        {!canChange && <> · route changes are for release managers and admins</>}
      </p>
      <Card title="Routes by resource">
        <RoutesTable data={data} />
      </Card>
      <Card title="Breaking-change plans">
        {data.plans.length ? (
          <div className="space-y-4">
            {data.plans.map((p) => (
              <PlanTimeline key={p.id} plan={p} />
            ))}
          </div>
        ) : (
          <p className="text-sm text-slate-500">No resource has two versions yet.</p>
        )}
      </Card>
      <div className={`grid gap-6 ${canEdit ? "xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]" : ""}`}>
        <Card title="Try a request">
          <TryRequest examples={data.routes.map((v) => ({ method: v.route.method, path: v.route.path.replace(/\{\w+\}/g, "123") }))} />
        </Card>
        {canEdit && (
          <Card title="Edge settings">
            <CellRouterForm url={data.cellRouter.url} version={data.cellRouter.version} />
          </Card>
        )}
      </div>
      <Card title="Readiness: which cells serve each route's handlers">
        <ReadinessMatrix data={data} />
      </Card>
    </div>
  );
}

export default async function GatewayPage() {
  const user = await requireUser();
  const canChange = canChangeRoutes(user);
  const live = await liveStamp("gateway");
  return (
    <>
      <PageHeader
        title="API versions at the edge"
        subtitle="Breaking changes are a routing problem: new handlers deploy to every cell while disabled at the edge, are enabled in one global switch once every cell reports them, then the old version is deprecated (standard headers) and sunset."
        actions={
          <>
            <LiveView initial={live} />
            <a
              href="/api/v1/gateway/config?format=yaml"
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50"
              download="api-gateway-config.yaml"
            >
              Export YAML
            </a>
            <a
              href="/api/v1/gateway/config?format=json"
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50"
              download="api-gateway-config.json"
            >
              Export JSON
            </a>
            {canChange && <PrimaryLink href="/gateway/import">Import config</PrimaryLink>}
          </>
        }
      />
      <Suspense fallback={<Skeleton className="h-[700px]" />}>
        <Overview canEdit={canEditSettings(user)} canChange={canChange} />
      </Suspense>
    </>
  );
}
