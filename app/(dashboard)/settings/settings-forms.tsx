"use client";
import { ActionForm, Field, SelectField, TextArea } from "@/components/action-form";
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

/** A number field of a settings form: what it asks, its form name, the value it shows, its unit. */
interface NumberSpec {
  label: string;
  name: string;
  defaultValue: number;
  suffix: string;
  /** "any" for a field that takes fractions. */
  step?: string;
}

function NumberFields({ fields, errors }: { fields: NumberSpec[]; errors: Record<string, string[]> }) {
  return fields.map((f) => <Field key={f.name} type="number" {...f} errors={errors[f.name]} />);
}

const pct = (share: number, digits: number) => +(share * 100).toFixed(digits);

export function ThresholdsForm({ value, version }: { value: Thresholds; version: number }) {
  const red: NumberSpec[] = [
    { label: "Error rate ≥", name: "redErrorPct", step: "any", defaultValue: pct(value.red.errorRate, 4), suffix: "%" },
    { label: "p99 latency ≥", name: "redP99Ms", defaultValue: value.red.p99Ms, suffix: "ms" },
    { label: "No data for", name: "silenceMin", defaultValue: value.red.silenceMs / 60_000, suffix: "min" },
  ];
  const yellow: NumberSpec[] = [
    { label: "Error rate ≥", name: "yellowErrorPct", step: "any", defaultValue: pct(value.yellow.errorRate, 4), suffix: "%" },
    { label: "p99 latency ≥", name: "yellowP99Ms", defaultValue: value.yellow.p99Ms, suffix: "ms" },
    { label: "CPU ≥", name: "yellowCpuPct", step: "any", defaultValue: pct(value.yellow.cpu, 2), suffix: "%" },
  ];
  const timing: NumberSpec[] = [
    {
      label: "Open a rule alert after the condition held for",
      name: "alertAfterMin",
      step: "any",
      defaultValue: value.alertAfterMs / 60_000,
      suffix: "min",
    },
    { label: "Keep raw samples for", name: "retentionDays", defaultValue: Math.round(value.retentionMs / 86_400_000), suffix: "days" },
  ];
  return (
    <ActionForm action={saveThresholdsAction} testId="thresholds-form" hidden={{ version }}>
      {(e) => (
        <>
          <div className="grid gap-4 md:grid-cols-2">
            <fieldset className="space-y-2 rounded-lg border border-red-200 p-3">
              <legend className="px-1 text-xs font-semibold uppercase text-red-700">Red (unhealthy) when</legend>
              <NumberFields fields={red} errors={e} />
            </fieldset>
            <fieldset className="space-y-2 rounded-lg border border-amber-200 p-3">
              <legend className="px-1 text-xs font-semibold uppercase text-amber-700">Yellow (degraded) when</legend>
              <NumberFields fields={yellow} errors={e} />
            </fieldset>
          </div>
          <div className="mt-4 grid gap-4 md:grid-cols-2">
            <NumberFields fields={timing} errors={e} />
          </div>
        </>
      )}
    </ActionForm>
  );
}

export function LinksForm({ value, version }: { value: LinkTemplates; version: number }) {
  return (
    <ActionForm action={saveLinksAction} testId="links-form" hidden={{ version }}>
      {(e) => (
        <div className="space-y-2">
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
    <ActionForm
      action={saveRunbookAction}
      testId={`runbook-${id || "new"}`}
      submit={id ? "Save runbook" : "Add runbook"}
      hidden={id ? { version, id } : { version }}
    >
      {(e) => (
        <div className="space-y-2">
          {!id && <Field label="Id" name="id" defaultValue="" errors={e.id} />}
          <Field label="Title" name="title" defaultValue={title} errors={e.title} />
          <TextArea
            label={
              <>
                Steps (placeholders {"{cell}"}, {"{region}"}, {"{tier}"}, {"{service}"})
              </>
            }
            name="body"
            defaultValue={body}
            rows={6}
            errors={e.body}
            spellCheck
          />
        </div>
      )}
    </ActionForm>
  );
}

export function RolloutsForm({ value, version }: { value: RolloutSettings; version: number }) {
  const waits: NumberSpec[] = [
    { label: "Deploy timeout", name: "deployTimeoutMin", step: "any", defaultValue: value.deployTimeoutMin, suffix: "min" },
    {
      label: "Wait for telemetry after a bake",
      name: "telemetryTimeoutMin",
      step: "any",
      defaultValue: value.telemetryTimeoutMin,
      suffix: "min",
    },
    {
      label: "Customer notice before a maintenance window",
      name: "noticeLeadHours",
      step: "any",
      defaultValue: value.noticeLeadHours,
      suffix: "h",
    },
  ];
  return (
    <ActionForm action={saveRolloutsAction} testId="rollouts-form" hidden={{ version }}>
      {(e) => (
        <div className="space-y-3">
          <TextArea
            label={
              <>
                Chat channels: one <code>channel = https://hooks…</code> per line; pipelines notify <code>slack://channel</code>
              </>
            }
            name="channels"
            rows={3}
            defaultValue={Object.entries(value.channels)
              .map(([k, v]) => `${k} = ${v}`)
              .join("\n")}
            errors={e.channels}
          />
          <Field
            label="Deploy webhook (receives {cell, service, version, release, wave} for every desired-version change; empty = pull only)"
            name="deployWebhook"
            defaultValue={value.deployWebhook}
            errors={e.deployWebhook}
          />
          <div className="grid gap-3 md:grid-cols-3">
            <NumberFields fields={waits} errors={e} />
          </div>
        </div>
      )}
    </ActionForm>
  );
}

export function OutboundForm({ hosts, version }: { hosts: string[]; version: number }) {
  return (
    <ActionForm action={saveOutboundAction} testId="outbound-form" hidden={{ version }}>
      {(e) => (
        <TextArea
          label={
            <>
              Allowed hosts, one a line: <code>hooks.slack.com</code>, <code>deploy.internal:8443</code> or <code>*.example.com</code>.
              Empty: the hosts of the configured webhooks only. Pipelines may notify https:// targets only on these hosts.
            </>
          }
          name="hosts"
          ariaLabel="Allowed hosts"
          rows={4}
          defaultValue={hosts.join("\n")}
          errors={e.hosts}
        />
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
  return <ActionForm action={endFreezeAction} submit="End now" hidden={{ id }} />;
}

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

export function WindowForm() {
  return (
    <ActionForm action={addWindowAction} testId="window-form" submit="Add window">
      {(e) => (
        <div className="grid gap-3 md:grid-cols-4">
          <Field label="Cell id or tier:enterprise" name="scope" defaultValue="tier:enterprise" errors={e.scope} />
          <SelectField label="Weekday" name="weekday" defaultValue="2">
            {WEEKDAYS.map((d, i) => (
              <option key={d} value={i + 1}>
                {d}
              </option>
            ))}
          </SelectField>
          <Field label="Starts (cell's local time)" name="start" defaultValue="02:00" errors={e.start} />
          <Field label="Length" name="durationMin" type="number" defaultValue={120} suffix="min" errors={e.durationMin} />
        </div>
      )}
    </ActionForm>
  );
}

export function RemoveWindowButton({ id }: { id: string }) {
  return <ActionForm action={removeWindowAction} submit="Remove" hidden={{ id }} />;
}

/** The PromQL templates of the Prometheus health source, one per signal, with the label mapping. */
export function HealthQueriesForm({ value, version }: { value: PromSettings; version: number }) {
  return (
    <ActionForm action={savePromTemplatesAction} testId="health-queries-form" submit="Save queries" hidden={{ version }}>
      {(e) => (
        <div className="space-y-3">
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
            <SelectField label="p99 answers in" name="p99Unit" defaultValue={value.p99Unit}>
              <option value="seconds">seconds</option>
              <option value="milliseconds">milliseconds</option>
            </SelectField>
          </div>
        </div>
      )}
    </ActionForm>
  );
}

export function HealthQueriesImportForm({ version, example }: { version: number; example: string }) {
  return (
    <ActionForm action={importPromTemplatesAction} testId="health-queries-import" submit="Import YAML" hidden={{ version }}>
      {(e) => (
        <TextArea
          label="A YAML file of queries (fields left out keep the defaults)"
          name="yaml"
          defaultValue={example}
          rows={8}
          errors={e.yaml}
        />
      )}
    </ActionForm>
  );
}

/** Alertmanager's label mapping and the routing rules of alert notifications (YAML). */
export function AlertingForm({ value, version, routes }: { value: AlertingSettings; version: number; routes: string }) {
  return (
    <ActionForm action={saveAlertingAction} testId="alerting-form" hidden={{ version }}>
      {(e) => (
        <div className="space-y-3">
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
