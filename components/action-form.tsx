"use client";
// A form bound to a one-door server action: shows field errors, a message, and success.
import { useAction } from "@/components/forms/use-action";
import { Button } from "@/components/forms/button";
import { ClientForm } from "@/components/forms/client-form";
import { useRouter } from "next/navigation";
import type { ReactNode } from "react";
import type { ActionResult } from "@/lib/auth/server/action";

export function ActionForm({
  action,
  children,
  hidden = {},
  submit = "Save",
  testId,
  className = "",
}: {
  action: (fd: FormData) => Promise<ActionResult<unknown>>;
  children?: (errors: Record<string, string[]>) => ReactNode;
  /** Sent as they are: the id acted on, the version the form was read at. */
  hidden?: Record<string, string | number>;
  submit?: string;
  testId?: string;
  className?: string;
}) {
  const router = useRouter();
  const { result, pending, run } = useAction(action, () => router.refresh());
  const errors = result && !result.ok ? (result.fieldErrors ?? {}) : {};
  return (
    <ClientForm testId={testId} className={className} onSubmit={run}>
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {children?.(errors)}
      <div className="mt-3 flex items-center gap-3">
        <Button variant="primary" type="submit" disabled={pending}>
          {pending ? "Saving…" : submit}
        </Button>
        {result?.ok && (
          <span className="text-sm text-emerald-700" role="status">
            Saved.
          </span>
        )}
        {result && !result.ok && (
          <span className="text-sm text-red-700" role="status" data-testid="form-error">
            {result.message}
          </span>
        )}
      </div>
    </ClientForm>
  );
}

export function Field({
  label,
  name,
  defaultValue,
  errors,
  type = "text",
  suffix,
  step,
}: {
  label: string;
  name: string;
  defaultValue: string | number;
  errors?: string[];
  type?: string;
  suffix?: string;
  step?: string;
}) {
  return (
    <label className="block text-sm">
      <span className="text-slate-600">{label}</span>
      <span className="mt-1 flex items-center gap-1">
        <input
          name={name}
          type={type}
          step={step}
          defaultValue={defaultValue}
          aria-invalid={!!errors?.length}
          className={`w-full rounded-md border px-2 py-1 ${errors?.length ? "border-red-400" : "border-slate-300"}`}
        />
        {suffix && <span className="text-xs text-slate-500">{suffix}</span>}
      </span>
      <FieldErrors errors={errors} className="mt-0.5 block text-xs text-red-700" />
    </label>
  );
}

function FieldErrors({ errors, className = "block text-xs text-red-700" }: { errors?: string[]; className?: string }) {
  return errors?.map((m) => (
    <span key={m} className={className}>
      {m}
    </span>
  ));
}

/** A multi-line field (a list, a template, a file), monospace; `label` may hold markup. */
export function TextArea({
  label,
  name,
  defaultValue,
  rows = 2,
  errors,
  ariaLabel,
  spellCheck = false,
}: {
  label: ReactNode;
  name: string;
  defaultValue: string;
  rows?: number;
  errors?: string[];
  /** The box's own accessible name, when the label is long. */
  ariaLabel?: string;
  /** Prose is spell-checked; code, lists and files are not. */
  spellCheck?: boolean;
}) {
  return (
    <label className="block text-sm">
      <span className="text-slate-600">{label}</span>
      <textarea
        name={name}
        defaultValue={defaultValue}
        rows={rows}
        spellCheck={spellCheck}
        aria-label={ariaLabel}
        className="mt-1 w-full rounded-md border border-slate-300 p-2 font-mono text-xs"
      />
      <FieldErrors errors={errors} />
    </label>
  );
}

/** A choice among fixed options (the `<option>`s are the children). */
export function SelectField({
  label,
  name,
  defaultValue,
  children,
}: {
  label: string;
  name: string;
  defaultValue: string;
  children: ReactNode;
}) {
  return (
    <label className="block text-sm">
      <span className="text-slate-600">{label}</span>
      <select name={name} defaultValue={defaultValue} className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1">
        {children}
      </select>
    </label>
  );
}
