// JSON columns (a release's document, a pipeline's spec, a migration's state and manifest) are read
// through their zod schema, so a malformed value is a clear error at the read — naming the column,
// the row and the field — instead of a crash somewhere later.
import type { z } from "zod";

export class MalformedColumnError extends Error {
  constructor(
    public readonly column: string,
    public readonly rowId: string,
    public readonly problems: string[],
  ) {
    super(`${column} of ${rowId} is malformed: ${problems.join("; ")}`);
    this.name = "MalformedColumnError";
  }
}

/** `waves[2].state` for the path ["waves", 2, "state"]. */
const fieldOf = (path: PropertyKey[]) =>
  path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), "") || "(value)";

/**
 * The stored value once `schema` accepts it — returned as stored: validation never rewrites a column
 * (unknown fields are kept). Throws MalformedColumnError listing the first problems otherwise.
 */
export function readColumn<T>(schema: z.ZodType<T>, value: unknown, column: string, rowId: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new MalformedColumnError(
      column,
      rowId,
      parsed.error.issues.slice(0, 5).map((i) => `${fieldOf(i.path)}: ${i.message}`),
    );
  }
  return value as T;
}
