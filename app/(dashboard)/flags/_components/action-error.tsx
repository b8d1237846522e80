import type { FlagActionResult } from "./use-flags";

/** A refused or invalid change: the reason, and which field and why. */
export function ActionError({
  failure,
  testId = "flag-error",
}: {
  failure: Extract<FlagActionResult, { ok: false }> | null;
  testId?: string;
}) {
  if (!failure) return null;
  return (
    <div role="status" data-testid={testId} className="mt-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      <p className="font-medium">{failure.message}</p>
      {failure.fieldErrors && (
        <ul className="mt-1 space-y-0.5 font-mono text-xs">
          {Object.entries(failure.fieldErrors).map(([field, messages]) => (
            <li key={field}>
              {field}: {messages.join("; ")}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function ReadOnlyNote() {
  return <p className="text-xs text-slate-500">Read-only: product owners and admins change flags.</p>;
}
