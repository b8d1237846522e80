// A small reader of schema.prisma, enough to compare the Prisma model with the migrated database
// (tests/integration/schema-agreement.test.ts): models, scalar fields, @map/@@map, @db types, enums.

export interface PrismaField {
  name: string;
  column: string;
  type: string;
  optional: boolean;
  list: boolean;
  nativeType?: string;
}

export interface PrismaModel {
  name: string;
  table: string;
  fields: PrismaField[];
}

export interface PrismaSchema {
  models: PrismaModel[];
  enums: Record<string, string[]>;
}

const SCALARS = new Set(["String", "Int", "BigInt", "Float", "Decimal", "Boolean", "DateTime", "Json", "Bytes"]);

export function parsePrismaSchema(text: string): PrismaSchema {
  // Comments out, and braces inside string literals (a Json field's @default("{}")) too.
  const clean = text.replace(/\/\/.*$/gm, "").replace(/"[^"\n]*"/g, (lit) => lit.replace(/[{}]/g, ""));
  const enums: Record<string, string[]> = {};
  for (const m of clean.matchAll(/enum\s+(\w+)\s*\{([^}]*)\}/g)) {
    enums[m[1]!] = m[2]!
      .split(/\s+/)
      .map((s) => s.trim())
      .filter((s) => s && !s.startsWith("@"));
  }
  const models: PrismaModel[] = [];
  for (const m of clean.matchAll(/model\s+(\w+)\s*\{([^}]*)\}/g)) {
    const name = m[1]!;
    const body = m[2]!;
    const table = body.match(/@@map\("([^"]+)"\)/)?.[1] ?? name;
    const fields: PrismaField[] = [];
    for (const line of body.split("\n").map((l) => l.trim())) {
      if (!line || line.startsWith("@@")) continue;
      const fm = line.match(/^(\w+)\s+(\w+)(\[\])?(\?)?(.*)$/);
      if (!fm) continue;
      const [, fname, type, list, opt, attrs] = fm;
      if (!SCALARS.has(type!) && !(type! in enums)) continue; // relation field
      fields.push({
        name: fname!,
        column: attrs!.match(/@map\("([^"]+)"\)/)?.[1] ?? fname!,
        type: type!,
        optional: !!opt,
        list: !!list,
        nativeType: attrs!.match(/@db\.(\w+)/)?.[1],
      });
    }
    models.push({ name, table, fields });
  }
  return { models, enums };
}

/** The PostgreSQL type (information_schema data_type, or udt_name for enums and arrays) Prisma expects. */
export function expectedPgType(f: PrismaField, enums: Record<string, string[]>): { dataType: string; udt?: string } {
  if (f.list) {
    const base = f.type === "String" ? "_text" : f.type === "Int" ? "_int4" : f.type in enums ? `_${f.type}` : `_${f.type.toLowerCase()}`;
    return { dataType: "ARRAY", udt: base };
  }
  if (f.type in enums) return { dataType: "USER-DEFINED", udt: f.type };
  switch (f.type) {
    case "String":
      return f.nativeType === "Uuid"
        ? { dataType: "uuid" }
        : f.nativeType === "VarChar"
          ? { dataType: "character varying" }
          : { dataType: "text" };
    case "Int":
      return { dataType: "integer" };
    case "BigInt":
      return { dataType: "bigint" };
    case "Float":
      return { dataType: "double precision" };
    case "Decimal":
      return { dataType: "numeric" };
    case "Boolean":
      return { dataType: "boolean" };
    case "DateTime":
      return {
        dataType:
          f.nativeType === "Timestamptz" ? "timestamp with time zone" : f.nativeType === "Date" ? "date" : "timestamp without time zone",
      };
    case "Json":
      return { dataType: f.nativeType === "Json" ? "json" : "jsonb" };
    case "Bytes":
      return { dataType: "bytea" };
    default:
      throw new Error(`unsupported Prisma type ${f.type}`);
  }
}
