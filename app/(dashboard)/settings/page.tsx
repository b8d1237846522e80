import { FREEZE_COVERS } from "@/lib/settings/freezes";
import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/page-header";
import { canEditSettings } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/server/session";
import { effectiveAllowlist, OUTBOUND_TIMEOUT_MS } from "@/lib/settings/outbound";
import { settingsOverview } from "@/lib/settings/server/queries";
import { routesYaml } from "@/lib/alerts/settings";
import { templatesYaml } from "@/lib/health/sources/templates";
import {
  AlertingForm,
  EndFreezeButton,
  FreezeForm,
  HealthQueriesForm,
  HealthQueriesImportForm,
  LinksForm,
  OutboundForm,
  RemoveWindowButton,
  RolloutsForm,
  RunbookForm,
  ThresholdsForm,
  WindowForm,
} from "./settings-forms";
import { formatTime } from "@/lib/format";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const user = await requireUser();
  if (!canEditSettings(user)) {
    return (
      <>
        <PageHeader title="Settings" />
        <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800">Only admins can change settings.</p>
      </>
    );
  }
  const {
    thresholds,
    links,
    runbooks: books,
    rollouts,
    freezes,
    windows,
    prometheus,
    alerting,
    source,
    outbound,
  } = await settingsOverview(new Date());
  const allowed = effectiveAllowlist(outbound.value, rollouts.value, alerting.value);
  const DAYS = ["", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  return (
    <>
      <PageHeader title="Settings" subtitle="Health thresholds, links to logs and traces, and runbooks. Every change is audited." />
      <div className="space-y-6">
        <Card title="Health thresholds">
          <ThresholdsForm value={thresholds.value} version={thresholds.version} />
        </Card>
        <Card title="Health source">
          <p className="mb-3 text-sm" data-testid="health-source">
            {source.kind === "prometheus" ? (
              <>
                Health is read from the Prometheus-compatible API at <code>{source.url}</code> (
                <code>CELLPLANE_HEALTH_SOURCE=prometheus</code>
                ); the queries below are in force.
              </>
            ) : (
              <>
                Health comes from telemetry pushed to <code>POST /api/v1/telemetry</code> (<code>CELLPLANE_HEALTH_SOURCE=builtin</code>).
                The queries below apply when Cellplane runs with <code>CELLPLANE_HEALTH_SOURCE=prometheus</code>.
              </>
            )}
          </p>
          <HealthQueriesForm value={prometheus.value} version={prometheus.version} />
          <details className="mt-4">
            <summary className="cursor-pointer text-sm text-indigo-700">Import the queries from YAML</summary>
            <div className="mt-2">
              <HealthQueriesImportForm version={prometheus.version} example={templatesYaml(prometheus.value)} />
            </div>
          </details>
        </Card>
        <Card title="Alerting: Alertmanager labels and notification routing">
          <AlertingForm value={alerting.value} version={alerting.version} routes={routesYaml(alerting.value.routes)} />
        </Card>
        <Card title="Observability links">
          <LinksForm value={links.value} version={links.version} />
        </Card>
        <Card title="Rollouts: notifications, deploy hand-off, timeouts">
          <RolloutsForm value={rollouts.value} version={rollouts.version} />
          <p className="mt-3 text-xs text-slate-500">
            Webhook URLs are secrets: shown in full only here, to admins; everywhere else (audit log, release pages, exports, API) as scheme
            and host followed by <code>/…</code>.
          </p>
        </Card>
        <Card title="Outbound calls: where notifications and webhooks may go">
          <p className="mb-3 text-sm text-slate-600" data-testid="outbound-effective">
            {allowed.source === "settings" ? "Allowed now: " : "The list is empty, so only the hosts of the webhooks above are allowed: "}
            <span className="font-mono">{allowed.hosts.join(", ") || "none"}</span>. Calls never follow redirects and time out after{" "}
            {OUTBOUND_TIMEOUT_MS / 1000} s.
          </p>
          <OutboundForm hosts={outbound.value.hosts} version={outbound.version} />
        </Card>
        <Card title="Fleet freezes">
          <p className="mb-3 text-sm text-slate-600">While a freeze is in force, {FREEZE_COVERS}.</p>
          <ul className="mb-4 space-y-2 text-sm" data-testid="freezes">
            {freezes.map((f) => (
              <li key={f.id.toString()} className="flex items-center justify-between gap-4 rounded-md border border-slate-200 px-3 py-2">
                <span>
                  <b>{f.reason}</b>{" "}
                  <span className="text-slate-500">
                    {formatTime(f.startsAt)} → {formatTime(f.endsAt, { utc: true })}· by {f.createdBy}
                  </span>
                </span>
                <EndFreezeButton id={f.id.toString()} />
              </li>
            ))}
            {freezes.length === 0 && <li className="text-slate-500">No freeze is in force or planned.</li>}
          </ul>
          <FreezeForm />
        </Card>
        <Card title="Maintenance windows (weekly, in each cell's local time)">
          <ul className="mb-4 space-y-2 text-sm" data-testid="windows">
            {windows.map((w) => (
              <li key={w.id.toString()} className="flex items-center justify-between gap-4 rounded-md border border-slate-200 px-3 py-2">
                <span className="font-mono">{w.scope}</span>
                <span>
                  {DAYS[w.weekday]} {hhmm(w.startMinute)} for {w.durationMin} min
                </span>
                <RemoveWindowButton id={w.id.toString()} />
              </li>
            ))}
            {windows.length === 0 && <li className="text-slate-500">No windows defined: waves that require one will wait.</li>}
          </ul>
          <WindowForm />
        </Card>
        <Card title="Runbooks (one template for every cell)">
          <div className="grid gap-6 lg:grid-cols-2">
            {books.map((b) => (
              <RunbookForm key={`${b.id}:${b.version}`} id={b.id} title={b.title} body={b.body} version={b.version} />
            ))}
            <RunbookForm id="" title="" body="" version={0} />
          </div>
        </Card>
      </div>
    </>
  );
}
