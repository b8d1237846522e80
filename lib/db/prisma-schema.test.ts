import { describe, expect, it } from "vitest";
import { expectedPgType, parsePrismaSchema } from "./prisma-schema";

const schema = parsePrismaSchema(`
enum Tier {
  canary
  smb
}
model Cell {
  id        String   @id
  tier      Tier
  tags      String[] @default([])
  note      String?  @map("the_note")
  at        DateTime @db.Timestamptz(3)
  owner     User     @relation(fields: [ownerId], references: [id])
  ownerId   String   @map("owner_id") @db.Uuid
  @@map("cells")
}`);

describe("parsePrismaSchema", () => {
  it("reads enums, tables, columns and skips relation fields", () => {
    expect(schema.enums).toEqual({ Tier: ["canary", "smb"] });
    const m = schema.models[0]!;
    expect(m.table).toBe("cells");
    expect(m.fields.map((f) => f.column)).toEqual(["id", "tier", "tags", "the_note", "at", "owner_id"]);
    expect(m.fields.find((f) => f.name === "note")!.optional).toBe(true);
  });
  it.each([
    ["id", { dataType: "text" }],
    ["tier", { dataType: "USER-DEFINED", udt: "Tier" }],
    ["tags", { dataType: "ARRAY", udt: "_text" }],
    ["at", { dataType: "timestamp with time zone" }],
    ["ownerId", { dataType: "uuid" }],
  ])("maps %s", (name, want) => {
    expect(expectedPgType(schema.models[0]!.fields.find((f) => f.name === name)!, schema.enums)).toEqual(want);
  });
});
