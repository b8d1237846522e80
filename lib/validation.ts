// What every API input is checked against (pure): the shared zod helpers for text, ids and times,
// the check of path and query parameters the API door runs before any handler, and the one way a
// zod failure becomes the details of a 400 — `[{path, message}]`, each naming its field.
//
//   - Ids, keys, names and single-line text (`safeId`, `safeLine`): no control character at all
//     (C0 — NUL included —, DEL and C1). Free text (`safeText`: summaries, comments, error
//     messages) may hold tab, line feed and carriage return, and no other control character.
//   - Times (`timestamp`): epoch milliseconds or ISO 8601 with a zone (`Z` or `±hh:mm`), between
//     1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z.
//   - Path and query parameters (`paramProblems`): no control character, in names or values; a
//     path parameter at most 256 characters, a query value at most 4,096.
import { z } from "zod";

// The character classes, written as strings (a regular expression literal may not hold them).
/** Control characters: C0 (NUL included), DEL, C1. */
const CONTROL_CLASS = "\\u0000-\\u001f\\u007f-\\u009f";
/** The same, less tab, line feed and carriage return (which free text may hold). */
const CONTROL_IN_TEXT_CLASS = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f";
const CONTROL = new RegExp(`[${CONTROL_CLASS}]`);
const CONTROL_IN_TEXT = new RegExp(`[${CONTROL_IN_TEXT_CLASS}]`);
/** For `.regex(NO_CONTROL, CONTROL_MESSAGE)` on a string schema of its own. */
export const NO_CONTROL = new RegExp(`^[^${CONTROL_CLASS}]*$`);
const NO_CONTROL_IN_TEXT = new RegExp(`^[^${CONTROL_IN_TEXT_CLASS}]*$`);

/** The first control character of `s` as U+XXXX, or null. `text`: tab and line breaks allowed. */
export function controlChar(s: string, opts: { text?: boolean } = {}): string | null {
  const m = (opts.text ? CONTROL_IN_TEXT : CONTROL).exec(s);
  return m ? `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}` : null;
}

export const CONTROL_MESSAGE = "must not contain control characters (U+0000–U+001F, U+007F–U+009F)";
const CONTROL_IN_TEXT_MESSAGE = "must not contain control characters other than tab and line breaks";

/** An id, key or name: 1 to `max` characters, no control character. */
export const safeId = (max: number) => z.string().min(1).max(max).regex(NO_CONTROL, CONTROL_MESSAGE);

/** Single-line text (titles): at most `max` characters, no control character. */
export const safeLine = (max: number) => z.string().max(max).regex(NO_CONTROL, CONTROL_MESSAGE);

/** Free text (summaries, comments, error messages): at most `max` characters; tab and line breaks allowed. */
export const safeText = (max: number) => z.string().max(max).regex(NO_CONTROL_IN_TEXT, CONTROL_IN_TEXT_MESSAGE);

/** The range every time in the API is checked against (what ISO 8601 writes with four-digit years, from 1970). */
export const MIN_TIME_MS = 0;
export const MAX_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const TIME_RANGE = "between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z";

/**
 * A time: epoch milliseconds (a whole number) or an ISO 8601 date-time with a zone, within
 * MIN_TIME_MS..MAX_TIME_MS. The input is kept as sent; `toDate` reads it.
 */
export const timestamp = () =>
  z.union(
    [
      z
        .number()
        .min(MIN_TIME_MS, { message: `must be ${TIME_RANGE}`, abort: true })
        .max(MAX_TIME_MS, { message: `must be ${TIME_RANGE}`, abort: true })
        .refine(Number.isInteger, "epoch milliseconds are a whole number"),
      z.iso
        .datetime({ offset: true, error: "an ISO 8601 date-time with a zone, e.g. 2026-12-01T09:00:00Z", abort: true })
        .refine((s) => inRange(Date.parse(s)), `must be ${TIME_RANGE}`),
    ],
    { error: `a time ${TIME_RANGE}: epoch milliseconds or ISO 8601 with a zone` },
  );

const inRange = (ms: number) => Number.isFinite(ms) && ms >= MIN_TIME_MS && ms <= MAX_TIME_MS;

export interface FieldProblem {
  /** The field, dotted (`samples.3.ts`, `0.cell`); `(body)` when the body as a whole is wrong. */
  path: string;
  message: string;
}

/** A zod failure as 400 details: one entry per problem, each naming its field (unknown fields by name). */
export function issueDetails(error: z.ZodError): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      // An empty key is named as JSON writes it.
      for (const key of issue.keys) out.push({ path: [...issue.path, key || '""'].join("."), message: "unknown field" });
      continue;
    }
    out.push({ path: issue.path.length ? issue.path.join(".") : "(body)", message: issue.message });
  }
  return out;
}

/**
 * One item or a list of 1 to `max` of them, switched on the body's shape rather than a union, so
 * that a refusal names the field (`cell`, or `3.cell` in a list) instead of "Invalid input".
 * (For the OpenAPI document, describe the body as the union of the two shapes.)
 */
export function oneOrMany<T extends z.ZodType>(item: T, max: number) {
  const many = z.array(item).min(1).max(max);
  return z.unknown().transform((raw, ctx): z.output<T>[] => {
    const r = Array.isArray(raw) ? many.safeParse(raw) : item.safeParse(raw);
    if (r.success) return (Array.isArray(raw) ? r.data : [r.data]) as z.output<T>[];
    for (const issue of r.error.issues) ctx.issues.push({ ...issue, input: raw } as (typeof ctx.issues)[number]);
    return z.NEVER;
  });
}

export const MAX_PATH_PARAM = 256;
export const MAX_QUERY_VALUE = 4096;

/**
 * What is wrong with a request's path parameters and query (names and values): control
 * characters, over-long values. Empty when nothing is.
 */
export function paramProblems(
  pathParams: Record<string, string | string[] | undefined>,
  query: Iterable<[string, string]>,
): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const [name, raw] of Object.entries(pathParams)) {
    for (const v of Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]) {
      const c = controlChar(v);
      if (c) out.push({ path: name, message: `${CONTROL_MESSAGE}; found ${c}` });
      else if (v.length > MAX_PATH_PARAM) out.push({ path: name, message: `longer than ${MAX_PATH_PARAM} characters` });
    }
  }
  for (const [name, v] of query) {
    const cn = controlChar(name);
    if (cn) {
      // Named as JSON writes it (a NUL as \u0000), so the answer shows which parameter.
      out.push({ path: JSON.stringify(name).slice(1, -1), message: `a query parameter's name ${CONTROL_MESSAGE}; found ${cn}` });
      continue;
    }
    const field = name || "(query)";
    const c = controlChar(v);
    if (c) out.push({ path: field, message: `${CONTROL_MESSAGE}; found ${c}` });
    else if (v.length > MAX_QUERY_VALUE) out.push({ path: field, message: `longer than ${MAX_QUERY_VALUE} characters` });
  }
  return out;
}
