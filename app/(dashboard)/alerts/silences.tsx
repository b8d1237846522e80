"use client";
// Silence alerts (matchers, a time span, a reason) and end a silence early; the server re-checks the role.
import { ActionForm, Field, SelectField } from "@/components/action-form";
import { createSilenceAction, expireSilenceAction } from "./actions";

const SEVERITIES = ["critical", "warning", "info"];

export function SilenceForm({ from, to }: { from: string; to: string }) {
  return (
    <ActionForm action={createSilenceAction} testId="silence-form" submit="Silence">
      {(e) => (
        <div className="grid gap-3 md:grid-cols-4">
          <Field label="Issue type (empty: any)" name="type" defaultValue="" errors={e.type} />
          <Field label="Cells (globs, e.g. smb-eu-*)" name="cells" defaultValue="" errors={e.cells} />
          <Field label="Service (empty: any)" name="service" defaultValue="" errors={e.service} />
          <SelectField label="Severity" name="severity" defaultValue="">
            <option value="">any</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </SelectField>
          <Field label="Starts (UTC)" name="startsAt" type="datetime-local" defaultValue={from} errors={e.startsAt} />
          <Field label="Ends (UTC)" name="endsAt" type="datetime-local" defaultValue={to} errors={e.endsAt} />
          <div className="md:col-span-2">
            <Field label="Reason" name="reason" defaultValue="" errors={e.reason} />
          </div>
        </div>
      )}
    </ActionForm>
  );
}

export function ExpireSilenceButton({ id }: { id: string }) {
  return <ActionForm action={expireSilenceAction} submit="End now" hidden={{ id }} />;
}
