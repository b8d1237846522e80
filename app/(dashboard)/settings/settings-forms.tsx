"use client";
import { ActionForm, Field } from "@/components/action-form";
import type { Thresholds } from "@/lib/health/thresholds";
import type { LinkTemplates } from "@/lib/settings/links";
import type { RolloutSettings } from "@/lib/settings/rollouts";
import {
  addWindowAction,
  createFreezeAction,
  endFreezeAction,
  removeWindowAction,
  saveLinksAction,
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
