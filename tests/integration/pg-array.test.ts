// The binary array parameters of lib/db/pg-array.ts read back, through a real PostgreSQL, as
// exactly the arrays node-postgres would have sent as text.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { boolArray, float8Array, textArray, zipped } from "@/lib/db/pg-array";
import { freshDatabase, type TestDatabase } from "../support/db";

let t: TestDatabase;
beforeAll(async () => {
  t = await freshDatabase("pgarray", "template0");
});
afterAll(async () => {
  await t.drop();
});

const HOSTILE = [
  "smb-us-1",
  "",
  " ",
  "a b",
  "a,b",
  "{",
  "}",
  "{x,y}",
  '"',
  'say "hi"',
  "\\",
  "back\\slash",
  '\\"',
  "tab\there",
  "new\nline",
  "NULL",
  "null",
  "nullx",
  "ünïcode",
  "émoji🙂",
  "'; DROP TABLE cells; --",
  "$1",
  "ARRAY[1]",
  "a\u0001b",
];

describe("pg-array binary parameters", () => {
  it("text[]: hostile strings and nulls round-trip", async () => {
    const values = [...HOSTILE, null];
    const [row] = await t.query<{ same: boolean; back: (string | null)[] }>(`SELECT $1::text[] = $2::text[] AS same, $1::text[] AS back`, [
      textArray(values),
      values,
    ]);
    expect(row!.back).toEqual(values);
    expect(row!.same).toBe(true);
  });

  it("float8[]: values survive exactly, including epoch milliseconds as timestamps", async () => {
    const values = [0, 1, 0.5, 0.0001, 1e-7, 3_600_000, 1_764_150_000_123, -2.25, null];
    const [row] = await t.query<{ back: (number | null)[]; ts: Date }>(
      `SELECT $1::float8[] AS back, to_timestamp(($1::float8[])[7] / 1000) AS ts`,
      [float8Array(values)],
    );
    expect(row!.back).toEqual(values);
    expect(row!.ts).toEqual(new Date(1_764_150_000_123));
  });

  it("bool[]", async () => {
    const [row] = await t.query<{ back: boolean[] }>(`SELECT $1::bool[] AS back`, [boolArray([true, false])]);
    expect(row!.back).toEqual([true, false]);
  });

  it("empty arrays, and unnest over arrays of one length", async () => {
    const [row] = await t.query<{ n: number; t: string[]; f: number[]; b: boolean[] }>(
      `SELECT (SELECT count(*)::int FROM unnest($1::text[], $2::float8[], $3::bool[])) AS n, $1::text[] AS t, $2::float8[] AS f, $3::bool[] AS b`,
      [textArray([]), float8Array([]), boolArray([])],
    );
    expect(row).toEqual({ n: 0, t: [], f: [], b: [] });
    const rows = await t.query(`SELECT * FROM unnest($1::text[], $2::float8[], $3::bool[]) AS x(c, v, ok)`, [
      textArray(["a", null]),
      float8Array([1.5, null]),
      boolArray([true, false]),
    ]);
    expect(rows).toEqual([
      { c: "a", v: 1.5, ok: true },
      { c: null, v: null, ok: false },
    ]);
  });

  it.each([
    ["one length", ["a", "b", "c"], [1, 2, 3], [true, false, true]],
    ["unequal lengths (padded with NULLs)", ["a"], [1, 2, 3], [true, false]],
    ["all empty", [], [], []],
    ["one empty", [], [1.5], []],
    ["nulls inside", ["a", null], [null, 2], [false, true]],
  ] as [string, (string | null)[], (number | null)[], boolean[]][])(
    "zipped: the same rows, in the same order, as unnest in FROM — %s",
    async (_, c, v, ok) => {
      const params = [textArray(c), float8Array(v), boolArray(ok)];
      const inFrom = await t.query(
        `SELECT * FROM unnest($1::text[], $2::float8[], $3::bool[]) WITH ORDINALITY AS x(c, v, ok, n) ORDER BY n`,
        params,
      );
      const zip = await t.query(`SELECT * FROM ${zipped(1, "c text, v float8, ok bool")} AS x`, params);
      expect(zip).toEqual(inFrom.map(({ n: _n, ...row }) => row));
      expect(zip).toHaveLength(Math.max(c.length, v.length, ok.length));
    },
  );

  it("an element of the wrong type is refused by the server", async () => {
    await expect(t.query(`SELECT $1::float8[]`, [textArray(["1"])])).rejects.toThrow(/array element type 25/);
  });
});
