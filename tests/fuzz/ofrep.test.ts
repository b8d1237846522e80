// OFREP (/ofrep/v1) with generated contexts and bodies: never a 5xx; refusals in the protocol's own
// shape ({errorCode, errorDetails}); control characters and over-long targeting keys are
// INVALID_CONTEXT; one bad evaluation never fails an honest one sent beside it.
import { describe, it } from "vitest";
import { anyParam, encodeParam, notString, withControl } from "./generators";
import { type Answer, app, call, changedTables, expect, expectNo5xx, fc, fcOptions, rowCounts } from "./support";

const ERROR_CODES = ["PARSE_ERROR", "TARGETING_KEY_MISSING", "INVALID_CONTEXT", "FLAG_NOT_FOUND", "GENERAL", "TYPE_MISMATCH"];

function expectProtocolShape(a: Answer, what: string) {
  expectNo5xx(a, what);
  if (a.status >= 400 && a.status < 500 && a.status !== 401 && a.status !== 403) {
    const body = a.json as { errorCode?: unknown; errorDetails?: unknown } | null;
    if (
      !body ||
      typeof body.errorCode !== "string" ||
      !ERROR_CODES.includes(body.errorCode) ||
      typeof body.errorDetails !== "string" ||
      !body.errorDetails
    )
      throw new Error(`${what}: a ${a.status} without {errorCode, errorDetails}: ${a.text.slice(0, 300)}`);
  }
}

const badContext = fc.oneof(
  withControl("cust-0001").map((k) => ({ context: { targetingKey: k } })),
  fc.integer({ min: 257, max: 2000 }).map((n) => ({ context: { targetingKey: "k".repeat(n) } })),
  notString.filter((v) => v !== null).map((k) => ({ context: { targetingKey: k } })),
  withControl("enterprise").map((v) => ({ context: { targetingKey: "cust-0001", tier: v } })),
  withControl("tier").map((name) => ({ context: { targetingKey: "cust-0001", [name]: "x" } })),
  notString.filter((v) => v !== null && (typeof v !== "object" || Array.isArray(v))).map((c) => ({ context: c })),
);

describe("OFREP evaluations", () => {
  it("invalid contexts: 400 INVALID_CONTEXT (single and bulk), never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(badContext, fc.boolean(), async (body, bulk) => {
        const url = bulk ? "/ofrep/v1/evaluate/flags" : "/ofrep/v1/evaluate/flags/newVoiceCodec";
        const what = `POST ${url} ${JSON.stringify(body).slice(0, 200)}`;
        const a = await call({ url, token: app.tokens.flagsRead, body });
        expectProtocolShape(a, what);
        expect(a.status, what).toBe(400);
        expect((a.json as { errorCode: string }).errorCode, what).toBe("INVALID_CONTEXT");
      }),
      fcOptions(80),
    );
  });

  it("any JSON, any text, any flag key: never a 5xx, refusals in the protocol's shape", async () => {
    const before = await rowCounts();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
          fc.string({ maxLength: 60, unit: "binary" }),
          fc
            .record({ context: fc.dictionary(fc.string({ maxLength: 10, unit: "binary" }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }) })
            .map((v) => JSON.stringify(v)),
        ),
        fc.oneof(fc.constant(null), fc.constant("newVoiceCodec"), anyParam),
        async (raw, key) => {
          const url = key === null ? "/ofrep/v1/evaluate/flags" : `/ofrep/v1/evaluate/flags/${encodeParam(key)}`;
          expectProtocolShape(await call({ url, token: app.tokens.flagsRead, raw }), `POST ${url} ${raw.slice(0, 200)}`);
        },
      ),
      fcOptions(120),
    );
    expect(changedTables(before, await rowCounts()), "evaluations change no rows").toEqual([]);
  });

  it("a bad context never fails the honest evaluations beside it", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(badContext, { minLength: 1, maxLength: 8 }), async (bad) => {
        const honest = Array.from({ length: 8 }, (_, i) =>
          call({
            url: "/ofrep/v1/evaluate/flags/newVoiceCodec",
            token: app.tokens.flagsRead,
            body: { context: { targetingKey: `cust-${i}` } },
          }),
        );
        const refused = bad.map((body) => call({ url: "/ofrep/v1/evaluate/flags/newVoiceCodec", token: app.tokens.flagsRead, body }));
        const answers = await Promise.all([...honest, ...refused]);
        for (const a of answers.slice(0, 8)) expect(a.status, a.text).toBe(200);
        for (const a of answers.slice(8)) expect(a.status, a.text).toBe(400);
      }),
      fcOptions(8),
    );
  });
});
