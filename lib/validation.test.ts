import { describe, expect, it } from "vitest";
import { z } from "zod";
import { controlChar, issueDetails, MAX_TIME_MS, oneOrMany, paramProblems, safeId, safeLine, safeText, timestamp } from "./validation";

const details = (s: z.ZodType, v: unknown) => {
  const r = s.safeParse(v);
  return r.success ? [] : issueDetails(r.error);
};

describe("text", () => {
  it("ids and single lines refuse every control character; free text allows tab and line breaks only", () => {
    for (const c of ["\u0000", "\u0001", "\u001b", "\u007f", "\u0085", "\u009f", "\t", "\n", "\r"]) {
      expect(safeId(10).safeParse(`a${c}b`).success, JSON.stringify(c)).toBe(false);
      expect(safeLine(10).safeParse(`a${c}b`).success, JSON.stringify(c)).toBe(false);
      expect(safeText(10).safeParse(`a${c}b`).success, JSON.stringify(c)).toBe(["\t", "\n", "\r"].includes(c));
    }
    expect(safeId(20).safeParse("smb-us-1 é 💥").success).toBe(true);
    expect(safeId(3).safeParse("").success).toBe(false);
    expect(safeId(3).safeParse("abcd").success).toBe(false);
    expect(controlChar("ab\u0000")).toBe("U+0000");
    expect(controlChar("a\tb", { text: true })).toBeNull();
    expect(controlChar("a\u0085b", { text: true })).toBe("U+0085");
  });
});

describe("timestamp", () => {
  const ts = z.object({ ts: timestamp() });
  it("accepts epoch milliseconds and ISO 8601 with a zone within 1970…9999", () => {
    for (const v of [
      0,
      Date.UTC(2026, 0, 1),
      MAX_TIME_MS,
      "2026-12-01T09:00:00Z",
      "2026-12-01T09:00:00.123+02:00",
      "9999-12-31T23:59:59.999Z",
    ])
      expect(ts.safeParse({ ts: v }).success, String(v)).toBe(true);
  });
  it("refuses JavaScript's last date and past it, negatives, fractions and non-dates — naming ts", () => {
    for (const v of [
      8.64e15,
      8.64e15 + 1,
      1e20,
      MAX_TIME_MS + 1,
      -1,
      1.5,
      "yesterday",
      "2026-02-31T00:00:00Z",
      "2026-01-01T00:00:00",
      "1969-12-31T23:59:59Z",
      true,
      null,
    ]) {
      const d = details(ts, { ts: v });
      expect(d.length, String(v)).toBeGreaterThan(0);
      expect(
        d.every((x) => x.path === "ts"),
        JSON.stringify(d),
      ).toBe(true);
    }
    expect(details(ts, { ts: 8.64e15 })[0]!.message).toMatch(/9999-12-31/);
  });
});

describe("issueDetails", () => {
  it("names unknown fields one by one, and the body when the body itself is wrong", () => {
    const s = z.object({ a: z.string() }).strict();
    expect(details(s, { a: "x", b: 1, c: 2 })).toEqual([
      { path: "b", message: "unknown field" },
      { path: "c", message: "unknown field" },
    ]);
    expect(details(s, 5)).toEqual([{ path: "(body)", message: expect.any(String) }]);
    expect(details(z.object({ a: z.array(s) }), { a: [{ a: "x" }, { a: 1 }] })).toEqual([{ path: "a.1.a", message: expect.any(String) }]);
  });
});

describe("oneOrMany", () => {
  const item = z.object({ cell: safeId(10) }).strict();
  const s = oneOrMany(item, 3);
  it("one item or a list, always as a list", () => {
    expect(s.parse({ cell: "a" })).toEqual([{ cell: "a" }]);
    expect(s.parse([{ cell: "a" }, { cell: "b" }])).toEqual([{ cell: "a" }, { cell: "b" }]);
  });
  it("names the field, not the union: `cell` for one, `i.cell` in a list", () => {
    expect(details(s, { cell: 5 }).map((d) => d.path)).toEqual(["cell"]);
    expect(details(s, { cell: "a\u0000" }).map((d) => d.path)).toEqual(["cell"]);
    expect(details(s, [{ cell: "a" }, { cell: "" }]).map((d) => d.path)).toEqual(["1.cell"]);
    expect(details(s, { cell: "a", x: 1 }).map((d) => d.path)).toEqual(["x"]);
    expect(details(s, []).map((d) => d.path)).toEqual(["(body)"]);
    expect(details(s, 7).map((d) => d.path)).toEqual(["(body)"]);
  });
});

describe("paramProblems", () => {
  it("control characters in path parameters, query names and values; over-long values", () => {
    expect(paramProblems({ cell: "smb-us-1" }, new URLSearchParams("customer=c-1&path=/v2/Messages"))).toEqual([]);
    expect(paramProblems({ cell: "a\u0000" }, [])).toEqual([{ path: "cell", message: expect.stringContaining("U+0000") }]);
    expect(paramProblems({}, new URLSearchParams("customer=%00")).map((p) => p.path)).toEqual(["customer"]);
    expect(paramProblems({}, new URLSearchParams("a%00b=1")).map((p) => p.path)).toEqual(["a\\u0000b"]);
    expect(paramProblems({}, new URLSearchParams("=%01")).map((p) => p.path)).toEqual(["(query)"]);
    expect(paramProblems({ id: "x".repeat(257) }, []).map((p) => p.path)).toEqual(["id"]);
    expect(paramProblems({ path: ["a", "b\u001b"] }, []).map((p) => p.path)).toEqual(["path"]);
    expect(paramProblems({}, new URLSearchParams(`q=${"x".repeat(4097)}`)).map((p) => p.path)).toEqual(["q"]);
  });
});
