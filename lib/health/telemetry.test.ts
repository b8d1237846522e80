// The telemetry batch's validation: the hand-written check of the usual shape (plainSamples) against
// the zod schema it stands in for — same answers, same errors with the same field paths.
import { describe, expect, it } from "vitest";
import { batchSchema, isSampleKey, plainSamples, sampleSchema, validateBatch } from "./telemetry";

const now = new Date("2026-06-01T12:00:00Z");
const ok = { cell: "smb-us-1", service: "sms", ts: now.getTime() - 5_000, errorRate: 0.001, p99Ms: 180, cpu: 0.4, rps: 1200 };
const full = { ...ok, version: "v2.14.3", apiVersions: ["v1", "v2.1"] };
const one = (patch: Record<string, unknown>) => ({ samples: [{ ...ok, ...patch }] });
const without = (key: keyof typeof ok) => {
  const { [key]: _, ...rest } = ok;
  return { samples: [rest] };
};

// Every body below is run through both paths.
const bodies: [string, unknown][] = [
  ["a plain sample", { samples: [ok] }],
  ["with version and API versions", { samples: [full, { ...full, cell: "smb-eu-2", apiVersions: [] }] }],
  ["a bare array", [ok, full]],
  [
    "the bounds",
    {
      samples: [
        { ...ok, ts: 0, errorRate: 0, p99Ms: 0, cpu: 0, rps: 0 },
        { ...ok, errorRate: 1, p99Ms: 3_600_000, cpu: 1, rps: 10_000_000 },
      ],
    },
  ],
  ["an empty batch", { samples: [] }],
  ["an ISO time (the schema's)", one({ ts: "2026-06-01T11:59:00Z" })],
  ["an ISO time without a zone", one({ ts: "2026-06-01T11:59:00" })],
  ["a time past 9999", one({ ts: 253_402_300_800_000 })],
  ["a negative time", one({ ts: -1 })],
  ["a fractional time", one({ ts: 1.5 })],
  ["a time as a numeric string", one({ ts: "1780000000000" })],
  ["error rate above 1", one({ errorRate: 1.01 })],
  ["negative cpu", one({ cpu: -0.1 })],
  ["p99 too large", one({ p99Ms: 3_600_001 })],
  ["rps too large", one({ rps: 10_000_001 })],
  ["rps as a string", one({ rps: "12" })],
  ["NaN", one({ errorRate: Number.NaN })],
  ["Infinity", one({ rps: Number.POSITIVE_INFINITY })],
  ["null value", one({ cpu: null })],
  ["missing cell", without("cell")],
  ["missing ts", without("ts")],
  ["empty cell", one({ cell: "" })],
  ["cell too long", one({ cell: "c".repeat(101) })],
  ["cell at its limit", one({ cell: "c".repeat(100) })],
  ["service too long", one({ service: "s".repeat(51) })],
  ["a control character in the cell", one({ cell: "smb\u0000us" })],
  ["a C1 control character in the service", one({ service: "sms\u0085" })],
  ["a cell as a number", one({ cell: 7 })],
  ["an unknown field", one({ colour: "red" })],
  ["an unknown empty field", one({ "": 1 })],
  ["a __proto__ field", { samples: [JSON.parse(`{"__proto__": {"x": 1}, ${JSON.stringify(ok).slice(1)}`)] }],
  ["version with a space", one({ version: "v1 2" })],
  ["empty version", one({ version: "" })],
  ["version too long", one({ version: "v".repeat(65) })],
  ["version null", one({ version: null })],
  ["API version not like v1", one({ apiVersions: ["1"] })],
  ["API version v1.2.3", one({ apiVersions: ["v1.2.3"] })],
  ["21 API versions", one({ apiVersions: Array.from({ length: 21 }, (_, i) => `v${i}`) })],
  ["API versions as a string", one({ apiVersions: "v1" })],
  ["a sample that is null", { samples: [ok, null] }],
  ["a sample that is an array", { samples: [[ok]] }],
  ["an unknown batch field", { samples: [ok], extra: 1 }],
  ["samples not a list", { samples: ok }],
  ["no samples", {}],
  ["a string body", "hello"],
  ["null body", null],
  ["second of three bad", { samples: [ok, { ...ok, errorRate: 2, cell: "" }, ok] }],
  ["in the future", one({ ts: now.getTime() + 6 * 60_000 })],
];

describe("validateBatch: the hand-written check and the zod schema", () => {
  it.each(bodies)("%s: the same answer, errors and samples", (_, body) => {
    expect(validateBatch(body, now)).toEqual(validateBatch(body, now, { reference: true }));
  });

  it.each(bodies)("%s: the hand-written check never accepts what the schema refuses", (_, body) => {
    const wrapped = Array.isArray(body) ? { samples: body } : body;
    if (plainSamples(wrapped) !== null) expect(batchSchema.safeParse(wrapped).success).toBe(true);
  });

  it("knows the schema's keys and no others", () => {
    for (const k of Object.keys(sampleSchema.shape)) expect(isSampleKey(k), k).toBe(true);
    for (const k of ["", "Cell", "cells", "ts ", "__proto__", "constructor", "toString", "p99ms"]) expect(isSampleKey(k), k).toBe(false);
  });

  it("takes the usual batch itself (the schema checks only the rest)", () => {
    const usual = { samples: Array.from({ length: 500 }, (_, i) => ({ ...full, cell: `smb-us-${i}` })) };
    expect(plainSamples(usual)).toBe(usual.samples);
    expect(plainSamples([ok])).toBeNull(); // the caller wraps a bare array first
    expect(plainSamples(one({ ts: "2026-06-01T11:59:00Z" }))).toBeNull();
  });

  it("names the index and the field of each refusal", () => {
    expect(validateBatch({ samples: [ok, { ...ok, errorRate: 2, cell: "" }, ok] }, now)).toMatchObject({
      ok: false,
      status: 400,
      errors: [
        { index: 1, field: "cell", message: expect.any(String) },
        { index: 1, field: "errorRate", message: expect.any(String) },
      ],
    });
  });
});

describe("validateBatch: a batch sent as columns", () => {
  const REQUIRED = ["cell", "service", "ts", "errorRate", "p99Ms", "cpu", "rps"];
  /** A rows body as columns, when it can be one: plain objects with every required field, no null version. */
  const asColumns = (body: unknown): unknown | null => {
    const rows = Array.isArray(body) ? body : (body as { samples?: unknown })?.samples;
    if (!Array.isArray(rows) || (!Array.isArray(body) && Object.keys(body as object).length !== 1)) return null;
    for (const r of rows) {
      if (typeof r !== "object" || r === null || Array.isArray(r)) return null;
      const keys = Object.keys(r);
      if (!REQUIRED.every((k) => keys.includes(k)) || keys.some((k) => !isSampleKey(k))) return null;
      if ((r as Record<string, unknown>).version === null || (r as Record<string, unknown>).apiVersions === null) return null;
    }
    const col = (k: string) => rows.map((r) => (r as Record<string, unknown>)[k] ?? null);
    return { columns: Object.fromEntries([...REQUIRED, "version", "apiVersions"].map((k) => [k, col(k)])) };
  };
  const representable = bodies.filter(([, b]) => asColumns(b) !== null);

  it("covers most of the rows table", () => expect(representable.length).toBe(35));

  it.each(representable)("%s: the same answer, errors and samples as the rows", (_, body) => {
    const cols = asColumns(body);
    expect(validateBatch(cols, now)).toEqual(validateBatch(body, now));
    expect(validateBatch(cols, now, { reference: true })).toEqual(validateBatch(body, now, { reference: true }));
  });

  it.each([
    ["columns", asColumns({ samples: [ok, full] })],
    ["samples", { samples: [ok, full] }],
  ])("%s: builds its samples' times with the Date found at load, not a global Date replaced since (as Next.js does)", (_, body) => {
    const Original = Date;
    let constructed = 0;
    const Wrapped = function (this: unknown, ...args: unknown[]) {
      constructed++;
      return Reflect.construct(Original, args, new.target ?? Original);
    } as unknown as DateConstructor;
    Object.setPrototypeOf(Wrapped, Original);
    globalThis.Date = Wrapped;
    try {
      const out = validateBatch(body, now);
      expect(out.ok && out.samples.map((x) => x.ts.getTime())).toEqual([ok.ts, full.ts]);
      expect(out.ok && out.samples.every((x) => x.ts instanceof Original)).toBe(true);
      expect(constructed).toBe(0);
    } finally {
      globalThis.Date = Original;
    }
  });

  it("takes version and apiVersions as optional columns, null where a sample reports none", () => {
    const out = validateBatch(
      {
        columns: {
          cell: ["a", "b"],
          service: ["sms", "sms"],
          ts: [1, 2],
          errorRate: [0, 0],
          p99Ms: [1, 1],
          cpu: [0, 0],
          rps: [1, 1],
          version: ["v2", null],
        },
      },
      now,
    );
    expect(out).toMatchObject({
      ok: true,
      samples: [
        { cell: "a", version: "v2" },
        { cell: "b", version: undefined, apiVersions: undefined },
      ],
    });
  });

  const base = { cell: ["a"], service: ["sms"], ts: [1], errorRate: [0], p99Ms: [1], cpu: [0], rps: [1] };
  it.each([
    ["a column too short", { columns: { ...base, rps: [] } }, "columns.rps", "0 values where cell has 1"],
    ["a missing column", { columns: { ...base, cpu: undefined } }, "columns.cpu", "missing column"],
    ["a column not an array", { columns: { ...base, ts: 1 } }, "columns.ts", "a column is an array"],
    ["an unknown column", { columns: { ...base, colour: ["red"] } }, "columns.colour", "unknown column"],
    ["columns not an object", { columns: [base] }, "columns", "an object with one array per field"],
    ["samples and columns at once", { columns: base, samples: [] }, "samples", "unknown field (a batch is `samples` or `columns`)"],
  ])("%s: 400 naming the column", (_, body, field, message) => {
    expect(validateBatch(JSON.parse(JSON.stringify(body)), now)).toMatchObject({
      ok: false,
      status: 400,
      errors: [{ index: -1, field, message }],
    });
  });

  it("refuses more than 5,000 samples with 413, and an empty batch as the rows do", () => {
    const big = Array.from({ length: 5_001 }, () => 1);
    const cols = Object.fromEntries(Object.keys(base).map((k) => [k, big]));
    expect(validateBatch({ columns: cols }, now)).toMatchObject({ ok: false, status: 413 });
    const empty = Object.fromEntries(Object.keys(base).map((k) => [k, []]));
    expect(validateBatch({ columns: empty }, now)).toEqual(validateBatch({ samples: [] }, now));
  });
});
