"use client";
import type { ReactNode } from "react";
import { ActionForm, Field } from "@/components/action-form";
import type { AlertingSettings } from "@/lib/alerts/settings";
import { SIGNAL_LABELS, SIGNALS } from "@/lib/health/sources/signals";
import type { PromSettings } from "@/lib/health/sources/templates";
import type { Thresholds } from "@/lib/health/thresholds";
import type { LinkTemplates } from "@/lib/settings/links";
import type { RolloutSettings } from "@/lib/settings/rollouts";
import {
  addWindowAction,
  createFreezeAction,
  endFreezeAction,
  removeWindowAction,
  importPromTemplatesAction,
  saveAlertingAction,
  saveLinksAction,
  savePromTemplatesAction,
  saveOutboundAction,
  saveRolloutsAction,
  saveRunbookAction,
  saveThresholdsAction,
} from "./actions";

export function ThresholdsForm({ value, version }: { value: Thresholds; version: number }) {
  return (
    <ActionForm action={saveThresholdsAction} testId="thresholds-form">
      {(e) => (
        <>
          <input type="hidden" name="version" value={version} />
          <div className="grid gap-4 md:grid-cols-2">
            <fieldset className="space-y-2 rounded-lg border border-red-200 p-3">
              <legend className="px-1 text-xs font-semibold uppercase text-red-700">Red (unhealthy) when</legend>
              <Field
                label="Error rate ≥"
                name="redErrorPct"
                step="any"
                type="number"
                defaultValue={+(value.red.errorRate * 100).toFixed(4)}
                suffix="%"
                errors={e.redErrorPct}
              />
              <Field label="p99 latency ≥" name="redP99Ms" type="number" defaultValue={value.red.p99Ms} suffix="ms" errors={e.redP99Ms} />
              <Field
                label="No data for"
                name="silenceMin"
                type="number"
                defaultValue={value.red.silenceMs / 60_000}
                suffix="min"
                errors={e.silenceMin}
              />
            </fieldset>
            <fieldset className="space-y-2 rounded-lg border border-amber-200 p-3">
              <legend className="px-1 text-xs font-semibold uppercase text-amber-700">Yellow (degraded) when</legend>
              <Field
                label="Error rate ≥"
                name="yellowErrorPct"
                step="any"
                type="number"
                defaultValue={+(value.yellow.errorRate * 100).toFixed(4)}
                suffix="%"
                errors={e.yellowErrorPct}
              />
              <Field
                label="p99 latency ≥"
                name="yellowP99Ms"
                type="number"
                defaultValue={value.yellow.p99Ms}
                suffix="ms"
                errors={e.yellowP99Ms}
              />
              <Field
                label="CPU ≥"
                name="yellowCpuPct"
                type="number"
                step="any"
                defaultValue={+(value.yellow.cpu * 100).toFixed(2)}
                suffix="%"
                errors={e.yellowCpuPct}
              />
            </fieldset>
          </div>
          <div className="mt-4 grid gap-4 md:grid-cols-2">
            <Field
              label="Open a rule alert after the condition held for"
              name="alertAfterMin"
              type="number"
              step="any"
              defaultValue={value.alertAfterMs / 60_000}
              suffix="min"
              errors={e.alertAfterMin}
            />
            <Field
              label="Keep raw samples for"
              name="retentionDays"
              type="number"
              defaultValue={Math.round(value.retentionMs / 86_400_000)}
              suffix="days"
              errors={e.retentionDays}
            />
          </div>
        </>
      )}
    </ActionForm>
  );
}

export function LinksForm({ value, version }: { value: LinkTemplates; version: number }) {
  return (
    <ActionForm action={saveLinksAction} testId="links-form">
      {(e) => (
        <div className="space-y-2">
          <input type="hidden" name="version" value={version} />
          <p className="text-xs text-slate-500">
            Placeholders: <code>{"{cell}"}</code>, <code>{"{service}"}</code>, <code>{"{region}"}</code>, <code>{"{tier}"}</code>. Leave
            empty to hide a link.
          </p>
          <Field label="Logs" name="logs" defaultValue={value.logs} errors={e.logs} />
          <Field label="Traces" name="traces" defaultValue={value.traces} errors={e.traces} />
          <Field label="Metrics dashboard" name="metrics" defaultValue={value.metrics} errors={e.metrics} />
        </div>
      )}
    </ActionForm>
  );
}

export function RunbookForm({ id, title, body, version }: { id: string; title: string; body: string; version: number }) {
  return (
    <ActionForm action={saveRunbookAction} testId={`runbook-${id || "new"}`} submit={id ? "Save runbook" : "Add runbook"}>
      {(e) => (
        <div className="space-y-2">
          <input type="hidden" name="version" value={version} />
          {id ? <input type="hidden" name="id" value={id} /> : <Field label="Id" name="id" defaultValue="" errors={e.id} />}
          <Field label="Title" name="title" defaultValue={title} errors={e.title} />
          <label className="block text-sm">
            <span className="text-slate-600">
              Steps (placeholders {"{cell}"}, {"{region}"}, {"{tier}"}, {"{service}"})
            </span>
            <textarea
              name="body"
              defaultValue={body}
              rows={6}
              className="mt-1 w-full rounded-md border border-slate-300 p-2 font-mono text-xs"
            />
            {e.body?.map((m) => (
              <span key={m} className="block text-xs text-red-700">
                {m}
              </span>
            ))}
          </label>
        </div>
      )}
    </ActionForm>
  );
}

export function RolloutsForm({ value, version }: { value: RolloutSettings; version: number }) {
  return (
    <ActionForm action={saveRolloutsAction} testId="rollouts-form">
      {(e) => (
        <div className="space-y-3">
          <input type="hidden" name="version" value={version} />
          <label className="block text-sm">
            <span className="text-slate-600">
              Chat channels: one <code>channel = https://hooks…</code> per line; pipelines notify <code>slack://channel</code>
            </span>
            <textarea
              name="channels"
              rows={3}
              defaultValue={Object.entries(value.channels)
                .map(([k, v]) => `${k} = ${v}`)
                .join("\n")}
              className="mt-1 w-full rounded-md border border-slate-300 p-2 font-mono text-xs"
            />
            {e.channels?.map((m) => (
              <span key={m} className="block text-xs text-red-700">
                {m}
              </span>
            ))}
          </label>
          <Field
            label="Deploy webhook (receives {cell, service, version, release, wave} for every desired-version change; empty = pull only)"
            name="deployWebhook"
            defaultValue={value.deployWebhook}
            errors={e.deployWebhook}
          />
          <div className="grid gap-3 md:grid-cols-3">
            <Field
              label="Deploy timeout"
              name="deployTimeoutMin"
              type="number"
              step="any"
              defaultValue={value.deployTimeoutMin}
              suffix="min"
              errors={e.deployTimeoutMin}
            />
            <Field
              label="Wait for telemetry after a bake"
              name="telemetryTimeoutMin"
              type="number"
              step="any"
              defaultValue={value.telemetryTimeoutMin}
              suffix="min"
              errors={e.telemetryTimeoutMin}
            />
            <Field
              label="Customer notice before a maintenance window"
              name="noticeLeadHours"
              type="number"
              step="any"
              defaultValue={value.noticeLeadHours}
              suffix="h"
              errors={e.noticeLeadHours}
            />
          </div>
        </div>
      )}
    </ActionForm>
  );
}

export function OutboundForm({ hosts, version }: { hosts: string[]; version: number }) {
  return (
    <ActionForm action={saveOutboundAction} testId="outbound-form">
      {(e) => (
        <label className="block text-sm">
          <input type="hidden" name="version" value={version} />
          <span className="text-slate-600">
            Allowed hosts, one a line: <code>hooks.slack.com</code>, <code>deploy.internal:8443</code> or <code>*.example.com</code>. Empty:
            the hosts of the configured webhooks only. Pipelines may notify https:// targets only on these hosts.
          </span>
          <textarea
            name="hosts"
            aria-label="Allowed hosts"
            rows={4}
            defaultValue={hosts.join("\n")}
            className="mt-1 w-full rounded-md border border-slate-300 p-2 font-mono text-xs"
          />
          {e.hosts?.map((m) => (
            <span key={m} className="block text-xs text-red-700">
              {m}
            </span>
          ))}
        </label>
      )}
    </ActionForm>
  );
}

export function FreezeForm() {
  return (
    <ActionForm action={createFreezeAction} testId="freeze-form" submit="Declare freeze">
      {(e) => (
        <div className="grid gap-3 md:grid-cols-3">
          <Field label="Starts (UTC)" name="startsAt" type="datetime-local" defaultValue="" errors={e.startsAt} />
          <Field label="Ends (UTC)" name="endsAt" type="datetime-local" defaultValue="" errors={e.endsAt} />
          <Field label="Reason" name="reason" defaultValue="" errors={e.reason} />
        </div>
      )}
    </ActionForm>
  );
}

export function EndFreezeButton({ id }: { id: string }) {
  return (
    <ActionForm action={endFreezeAction} submit="End now">
      {() => <input type="hidden" name="id" value={id} />}
    </ActionForm>
  );
}

export function WindowForm() {
  return (
    <ActionForm action={addWindowAction} testId="window-form" submit="Add window">
      {(e) => (
        <div className="grid gap-3 md:grid-cols-4">
          <Field label="Cell id or tier:enterprise" name="scope" defaultValue="tier:enterprise" errors={e.scope} />
          <label className="block text-sm">
            <span className="text-slate-600">Weekday</span>
            <select name="weekday" defaultValue="2" className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1">
              {["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"].map((d, i) => (
                <option key={d} value={i + 1}>
                  {d}
                </option>
              ))}
            </select>
          </label>
          <Field label="Starts (cell's local time)" name="start" defaultValue="02:00" errors={e.start} />
          <Field label="Length" name="durationMin" type="number" defaultValue={120} suffix="min" errors={e.durationMin} />
        </div>
      )}
    </ActionForm>
  );
}

export function RemoveWindowButton({ id }: { id: string }) {
  return (
    <ActionForm action={removeWindowAction} submit="Remove">
      {() => <input type="hidden" name="id" value={id} />}
    </ActionForm>
  );
}

function TextArea({
  label,
  name,
  defaultValue,
  rows = 2,
  errors,
}: {
  label: ReactNode;
  name: string;
  defaultValue: string;
  rows?: number;
  errors?: string[];
}) {
  return (
    <label className="block text-sm">
      <span className="text-slate-600">{label}</span>
      <textarea
        name={name}
        defaultValue={defaultValue}
        rows={rows}
        spellCheck={false}
        className="mt-1 w-full rounded-md border border-slate-300 p-2 font-mono text-xs"
      />
      {errors?.map((m) => (
        <span key={m} className="block text-xs text-red-700">
          {m}
        </span>
      ))}
    </label>
  );
}

/** The PromQL templates of the Prometheus health source, one per signal, with the label mapping. */
export function HealthQueriesForm({ value, version }: { value: PromSettings; version: number }) {
  return (
    <ActionForm action={savePromTemplatesAction} testId="health-queries-form" submit="Save queries">
      {(e) => (
        <div className="space-y-3">
          <input type="hidden" name="version" value={version} />
          <p className="text-xs text-slate-500">
            One query per signal for the whole fleet, grouped by the cell and service labels. <code>$cell</code>, <code>$service</code>,{" "}
            <code>$version</code> stand for the label names below, <code>$window</code> for the window.
          </p>
          {SIGNALS.map((k) => (
            <TextArea key={k} label={SIGNAL_LABELS[k]} name={`q_${k}`} defaultValue={value.queries[k]} errors={e[`q_${k}`]} />
          ))}
          <div className="grid gap-3 md:grid-cols-3">
            <Field label="Cell label" name="cellLabel" defaultValue={value.labels.cell} errors={e.cellLabel} />
            <Field label="Service label" name="serviceLabel" defaultValue={value.labels.service} errors={e.serviceLabel} />
            <Field label="Version label" name="versionLabel" defaultValue={value.labels.version} errors={e.versionLabel} />
            <Field label="Window ($window)" name="window" defaultValue={value.window} errors={e.window} />
            <Field label="Step of range reads" name="step" defaultValue={value.step} errors={e.step} />
            <label className="block text-sm">
              <span className="text-slate-600">p99 answers in</span>
              <select
                name="p99Unit"
                defaultValue={value.p99Unit}
                className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1 text-sm"
              >
                <option value="seconds">seconds</option>
                <option value="milliseconds">milliseconds</option>
              </select>
            </label>
          </div>
        </div>
      )}
    </ActionForm>
  );
}

export function HealthQueriesImportForm({ version, example }: { version: number; example: string }) {
  return (
    <ActionForm action={importPromTemplatesAction} testId="health-queries-import" submit="Import YAML">
      {(e) => (
        <>
          <input type="hidden" name="version" value={version} />
          <TextArea
            label="A YAML file of queries (fields left out keep the defaults)"
            name="yaml"
            defaultValue={example}
            rows={8}
            errors={e.yaml}
          />
        </>
      )}
    </ActionForm>
  );
}

/** Alertmanager's label mapping and the routing rules of alert notifications (YAML). */
export function AlertingForm({ value, version, routes }: { value: AlertingSettings; version: number; routes: string }) {
  return (
    <ActionForm action={saveAlertingAction} testId="alerting-form">
      {(e) => (
        <div className="space-y-3">
          <input type="hidden" name="version" value={version} />
          <div className="grid gap-3 md:grid-cols-3">
            <Field label="Issue type label" name="typeLabel" defaultValue={value.labels.type} errors={e.typeLabel} />
            <Field label="Cell label" name="cellLabel" defaultValue={value.labels.cell} errors={e.cellLabel} />
            <Field label="Service label" name="serviceLabel" defaultValue={value.labels.service} errors={e.serviceLabel} />
          </div>
          <TextArea
            label={
              <>
                Routing rules: <code>name</code>, optional <code>types</code>, <code>severities</code>, <code>tiers</code>;{" "}
                <code>target</code> (<code>slack://channel</code> from Rollouts, or a URL); <code>format</code> slack or pagerduty (with{" "}
                <code>routingKey</code>)
              </>
            }
            name="routes"
            defaultValue={routes}
            rows={8}
            errors={e.routes}
          />
        </div>
      )}
    </ActionForm>
  );
}
