// What a refused input says, one line per problem: a field's messages, or a file's issues by line.

/** "field: message, message" for every field the server named. */
export function FieldErrorList({
  errors,
  className,
  join = ", ",
}: {
  errors: Record<string, string[]>;
  className: string;
  /** How one field's messages are joined. */
  join?: string;
}) {
  return (
    <ul className={className}>
      {Object.entries(errors).map(([field, messages]) => (
        <li key={field}>
          {field}: {messages.join(join)}
        </li>
      ))}
    </ul>
  );
}

/** A file's issues (errors or warnings), each with its line when known: "line 3: waves[0].cells: …". */
export function LineIssues({ issues, testId }: { issues: { line?: number | null; field: string; message: string }[]; testId?: string }) {
  return (
    <ul className="mt-2 space-y-1 font-mono text-xs" data-testid={testId}>
      {issues.map((e, i) => (
        <li key={i}>
          {e.line ? `line ${e.line}: ` : ""}
          {e.field}: {e.message}
        </li>
      ))}
    </ul>
  );
}
