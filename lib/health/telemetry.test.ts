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
