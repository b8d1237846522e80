// Generators of bad input. A body is described field by field (a valid value and the ways to get it
// wrong); `invalidBody` takes a valid body and breaks exactly one field, so every generated body is
// refused and the answer must name that field.
import fc from "fast-check";

/** Control characters: C0 (NUL included; tab, newline and carriage return left to `lineBreaks`), DEL and C1. */
export const controlChar = fc.constantFrom(
  "\u0000",
  "\u0001",
  "\u0007",
  "\u0008",
  "\u000b",
  "\u000c",
  "\u001b",
  "\u001f",
  "\u007f",
  "\u0080",
  "\u0085",
  "\u009f",
);
export const lineBreaks = fc.constantFrom("\t", "\n", "\r");

/** `base` with a control character somewhere in it (or alone). */
export const withControl = (base: string, chars: fc.Arbitrary<string> = controlChar) =>
  fc.tuple(fc.nat({ max: base.length }), chars).map(([i, c]) => base.slice(0, i) + c + base.slice(i));

/** A string over `max` characters (letters only, so length is its only fault). */
export const tooLong = (max: number) => fc.integer({ min: max + 1, max: max + 64 }).map((n) => "a".repeat(n));

/** A JSON value that is not a string. */
export const notString = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
);
/** A JSON value that is not a number. */
export const notNumber = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.constant({}),
);

/** An id or key: empty, a control character, too long, not a string. */
export const badId = (valid: string, max: number) => fc.oneof(fc.constant(""), withControl(valid), tooLong(max), notString);
/** Free text (line breaks allowed): a control character, too long, not a string. */
export const badText = (valid: string, max: number, opts: { empty?: boolean } = {}) =>
  fc.oneof(withControl(valid), tooLong(max), notString, ...(opts.empty ? [fc.constant("")] : []));
export const badEnum = (values: string[]) =>
  fc.oneof(
    fc.string({ maxLength: 12 }).filter((s) => !values.includes(s)),
    fc.constantFrom(...values.map((v) => v.toUpperCase()), ...values.map((v) => ` ${v}`)),
    notString,
  );
export const badNumber = (min: number, max: number, opts: { int?: boolean } = {}) =>
  fc.oneof(
    // (Strictly out of range: -0 is not below 0.)
    fc.double({ max: min, maxExcluded: true, noNaN: true, noDefaultInfinity: true }).filter((v) => v < min),
    fc.double({ min: max, minExcluded: true, noNaN: true, noDefaultInfinity: true }).filter((v) => v > max),
    notNumber,
    ...(opts.int ? [fc.double({ min, max, noNaN: true }).filter((x) => !Number.isInteger(x))] : []),
  );

/** The last millisecond ISO 8601 can write with four digits (9999-12-31T23:59:59.999Z). */
export const MAX_TIME_MS = 253_402_300_799_999;

/** Times out of range or not times at all: JavaScript's last date (8.64e15 ms) and past it, negatives, non-dates. */
export const badTime = fc.oneof(
  fc.constantFrom(
    8.64e15,
    8.64e15 + 1,
    8.7e15,
    1e20,
    Number.MAX_SAFE_INTEGER,
    -1,
    1.5,
    "yesterday",
    "2026-02-31T00:00:00Z",
    "2026-01-01T00:00:00",
    "2026-01-01",
    "+275760-09-13T00:00:00Z",
    "10000-01-01T00:00:00Z",
    "1969-12-31T23:59:59Z",
    "",
  ),
  fc.integer({ min: MAX_TIME_MS + 1, max: Number.MAX_SAFE_INTEGER }),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: -1 }),
  fc.boolean(),
  fc.constant(null),
  fc.constant({}),
);

export interface Field {
  name: string;
  invalid: fc.Arbitrary<unknown>;
  /** Omitting it is an error. */
  required?: boolean;
}

export interface BrokenBody {
  body: Record<string, unknown>;
  /** The field that was broken (`(extra)` keys are named by themselves). */
  field: string;
  how: "invalid" | "missing" | "unknown field";
}

/** `base` with exactly one field broken: an invalid value, a required field left out, or (strict schemas) an unknown field. */
export function invalidBody(base: Record<string, unknown>, fields: Field[], opts: { strict?: boolean } = {}): fc.Arbitrary<BrokenBody> {
  const known = new Set(fields.map((f) => f.name));
  const options: fc.Arbitrary<BrokenBody>[] = fields.map((f) =>
    f.invalid.map((v) => ({ body: { ...base, [f.name]: v }, field: f.name, how: "invalid" as const })),
  );
  const required = fields.filter((f) => f.required);
  if (required.length)
    options.push(
      fc.constantFrom(...required).map((f) => {
        const { [f.name]: _gone, ...rest } = base;
        return { body: rest, field: f.name, how: "missing" as const };
      }),
    );
  if (opts.strict)
    options.push(
      fc
        .string({ minLength: 1, maxLength: 12, unit: "grapheme-ascii" })
        .filter((k) => !known.has(k) && k !== "__proto__")
        .map((k) => ({ body: { ...base, [k]: 1 }, field: k, how: "unknown field" as const })),
    );
  return fc.oneof(...options);
}

/** Any string a client could put in a URL, control characters and odd code points included. */
export const anyParam = fc.oneof(
  fc.string({ maxLength: 40, unit: "binary" }),
  fc.string({ maxLength: 40 }),
  withControl("smb-us-1"),
  fc.constantFrom("", " ", "..", "../..", "%", "smb-us-1\u0000", "\u0000", "a".repeat(300), "💥", "\ud800"),
);

/** Percent-encode anything, lone surrogates included (as WTF-8 bytes, which are not UTF-8). */
export function encodeParam(s: string): string {
  let out = "";
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff)
      out += [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join("");
    else out += encodeURIComponent(ch);
  }
  return out;
}

/** Malformed percent-encodings, raw in a URL. */
export const malformedEncoding = fc.constantFrom("%", "%2", "%zz", "%ED%A0%80", "%C0%AF", "%FF", "%E0%A4%A", "%00", "%0A", "a%00b");

/** The control character a value contains, or null (what the API refuses). */
export const hasControl = (s: string) =>
  [...s].some((ch) => {
    const c = ch.codePointAt(0)!;
    return c < 0x20 || (c >= 0x7f && c <= 0x9f);
  });
