import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectedPgType, parsePrismaSchema } from "@/lib/db/prisma-schema";
import { freshDatabase, type TestDatabase } from "../support/db";

const schema = parsePrismaSchema(fs.readFileSync(path.resolve("prisma/schema.prisma"), "utf8"));
let t: TestDatabase;
let columns: { table_name: string; column_name: string; data_type: string; udt_name: string; is_nullable: string }[];

beforeAll(async () => {
  t = await freshDatabase("schema");
  columns = await t.query(
    `SELECT table_name, column_name, data_type, udt_name, is_nullable FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
  );
});
afterAll(() => t.drop());

describe("prisma/schema.prisma agrees with the migrated database", () => {
  // The reader must miss nothing, or the checks below would pass over what it skipped: every model
  // and enum block of the file, and in each model every field that is not a relation to a model.
  it("has models: the reader sees every model, scalar field and enum of the file", () => {
    const lines = fs.readFileSync(path.resolve("prisma/schema.prisma"), "utf8").split("\n");
    const blocks: { kind: string; name: string; body: string[] }[] = [];
    for (const line of lines) {
      const open = line.match(/^(model|enum)\s+(\w+)\s*\{/);
      if (open) blocks.push({ kind: open[1]!, name: open[2]!, body: [] });
      else if (/^\}/.test(line)) blocks.push({ kind: "end", name: "", body: [] });
      else blocks.at(-1)?.body.push(line);
    }
    const modelNames = blocks.filter((b) => b.kind === "model").map((b) => b.name);
    expect(schema.models.map((m) => m.name)).toEqual(modelNames);
    expect(Object.keys(schema.enums)).toEqual(blocks.filter((b) => b.kind === "enum").map((b) => b.name));
    const declared = blocks
      .filter((b) => b.kind === "model")
      .map((b) => ({
        model: b.name,
        fields: b.body
          .map((l) => l.replace(/\/\/.*$/, "").match(/^\s+(\w+)\s+(\w+)/))
          .filter((m): m is RegExpMatchArray => m !== null && !modelNames.includes(m[2]!))
          .map((m) => m[1]!),
      }));
    expect(schema.models.map((m) => ({ model: m.name, fields: m.fields.map((f) => f.name) }))).toEqual(declared);
  });

  it.each(schema.models.map((m) => [m.name, m] as const))(
    "model %s: every field is a column of the right type and nullability",
    (_n, model) => {
      const cols = columns.filter((c) => c.table_name === model.table);
      expect(cols.length, `table ${model.table} exists`).toBeGreaterThan(0);
      for (const f of model.fields) {
        const col = cols.find((c) => c.column_name === f.column);
        expect(col, `${model.table}.${f.column}`).toBeDefined();
        const want = expectedPgType(f, schema.enums);
        expect(col!.data_type, `${model.table}.${f.column} type`).toBe(want.dataType);
        if (want.udt) expect(col!.udt_name, `${model.table}.${f.column} udt`).toBe(want.udt);
        if (!f.list) expect(col!.is_nullable === "YES", `${model.table}.${f.column} nullable`).toBe(f.optional);
      }
      const extra = cols.filter((c) => !model.fields.some((f) => f.column === c.column_name)).map((c) => c.column_name);
      expect(extra, `columns of ${model.table} missing from the Prisma model`).toEqual([]);
    },
  );

  it("has no table without a model", () => {
    const tables = new Set(columns.map((c) => c.table_name));
    const modelled = new Set(schema.models.map((m) => m.table));
    expect([...tables].filter((tb) => !modelled.has(tb))).toEqual([]);
  });

  it("enums have the same values", async () => {
    for (const [name, values] of Object.entries(schema.enums)) {
      const rows = await t.query<{ v: string }>(
        `SELECT e.enumlabel AS v FROM pg_enum e JOIN pg_type ty ON ty.oid = e.enumtypid WHERE ty.typname = $1 ORDER BY e.enumsortorder`,
        [name],
      );
      expect(
        rows.map((r) => r.v),
        name,
      ).toEqual(values);
    }
  });
});
