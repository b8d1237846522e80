import { describe, expect, it } from "vitest";
import { boolArray, float8Array, textArray, zipped } from "./pg-array";

/** Read back the binary array format (the inverse of the encoders, for the tests). */
function decode(buf: Buffer): { oid: number; hasNull: boolean; items: (Buffer | null)[] } {
  const ndim = buf.readInt32BE(0),
    hasNull = buf.readInt32BE(4) === 1,
    oid = buf.readInt32BE(8);
  if (ndim === 0) return { oid, hasNull, items: [] };
  expect(ndim).toBe(1);
  expect(buf.readInt32BE(16)).toBe(1); // lower bound
  const n = buf.readInt32BE(12);
  const items: (Buffer | null)[] = [];
  let at = 20;
  for (let i = 0; i < n; i++) {
    const len = buf.readInt32BE(at);
    at += 4;
    items.push(len < 0 ? null : buf.subarray(at, at + len));
    at += Math.max(len, 0);
  }
  expect(at).toBe(buf.length);
  return { oid, hasNull, items };
}

describe("textArray", () => {
  it.each([
    [[]],
    [["smb-us-1", "sms"]],
    [["v3.2.0", null, undefined, ""]],
    [["a b", "a,b", "{x}", 'say "hi"', "back\\slash", "NULL", "ünïcode", "émoji🙂"]],
  ] as [(string | null | undefined)[]][])("%j", (input) => {
    const { oid, hasNull, items } = decode(textArray(input));
    expect(oid).toBe(25);
    expect(hasNull).toBe(input.some((v) => v == null));
    expect(items.map((b) => (b === null ? null : b.toString("utf8")))).toEqual(input.map((v) => v ?? null));
  });
});

describe("float8Array", () => {
  it.each([[[]], [[0, 1, 0.5, 1e-7, 1764150000123, -3]], [[null, 2, undefined]]] as [(number | null | undefined)[]][])("%j", (input) => {
    const { oid, items } = decode(float8Array(input));
    expect(oid).toBe(701);
    expect(items.map((b) => (b === null ? null : b.readDoubleBE(0)))).toEqual(input.map((v) => v ?? null));
  });
  it.each([NaN, Infinity, -Infinity])("refuses %s", (bad) => {
    expect(() => float8Array([1, bad])).toThrow(/index 1 is not a finite number/);
  });
});

describe("boolArray", () => {
  it("one byte per element", () => {
    const { oid, items } = decode(boolArray([true, false, true]));
    expect(oid).toBe(16);
    expect(items.map((b) => b![0])).toEqual([1, 0, 1]);
  });
});

describe("zipped", () => {
  it.each([
    [1, "cell_id text", "(SELECT unnest($1::text[]) AS cell_id)"],
    [3, "c text,ms float8", "(SELECT unnest($3::text[]) AS c, unnest($4::float8[]) AS ms)"],
    [12, " first  bool , n_eb float8 ", "(SELECT unnest($12::bool[]) AS first, unnest($13::float8[]) AS n_eb)"],
  ])("from $%d: %j", (first, columns, sql) => {
    expect(zipped(first, columns)).toBe(sql);
  });
  it.each([
    [1, ""],
    [1, "cell_id"],
    [1, "cell_id text[]"],
    [1, "cell_id text, "],
    [1, "Cell text"],
    [1, "a text; DROP TABLE cells"],
    [0, "a text"],
    [1.5, "a text"],
  ])("refuses $%d: %j", (first, columns) => {
    expect(() => zipped(first, columns)).toThrow(/zipped: .* is not a parameter column/);
  });
});
