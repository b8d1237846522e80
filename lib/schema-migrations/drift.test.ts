import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { columnChanges, expectedColumns, migratedTables, schemaDrift } from "./drift";
import { parseManifestYaml } from "./manifest";
import type { StoredSpec } from "./run-doc";
import type { CellStatus } from "./run-model";
import { FLEET } from "./test-fixtures";

const ROOT = path.resolve(import.meta.dirname, "../..");
const read = (f: string) => fs.readFileSync(path.join(ROOT, "examples", f), "utf8");
const scripts = Object.fromEntries(
  ["migrations/001_add_recipient_id.sql", "migrations/001_backfill_recipient_id.sql", "migrations/001_drop_to_phone.sql"].map((f) => [
    f,
    read(f),
  ]),
);
const spec: StoredSpec = {
  ...parseManifestYaml(read("migration-manifest.sql.yaml"), { fleet: FLEET, pipelines: ["standard"], services: ["sms"], scripts }),
  scripts,
};
const statuses = (s: Record<string, CellStatus>) => (phase: string) => s[phase] ?? "pending";

describe("the schema check", () => {
  it.each([
    ["ALTER TABLE messages ADD COLUMN recipient_id TEXT;", [{ table: "messages", column: "recipient_id", change: "add" }]],
    [
      "-- contract\nALTER TABLE public.messages DROP COLUMN IF EXISTS to_phone;",
      [{ table: "messages", column: "to_phone", change: "drop" }],
    ],
    [
      'ALTER TABLE "Messages" ADD COLUMN a int DEFAULT (1), ADD b text, DROP COLUMN "C", ADD CONSTRAINT x CHECK (a > 0);',
      [
        { table: "Messages", column: "a", change: "add" },
        { table: "Messages", column: "b", change: "add" },
        { table: "Messages", column: "C", change: "drop" },
      ],
    ],
    ["CREATE INDEX i ON messages (to_phone); UPDATE messages SET x = 1", []],
  ])("reads the columns %s changes", (sql, want) => {
    expect(columnChanges(sql)).toEqual(want);
  });

  it("expects what the phases applied so far imply, and names what differs", () => {
    expect(migratedTables(spec)).toEqual(["messages"]);
    const before = expectedColumns(spec, statuses({}));
    expect(schemaDrift(before, { messages: ["id", "to_phone"] })).toBeNull();
    expect(schemaDrift(before, { messages: ["id", "to_phone", "recipient_id"] })).toBe("recipient_id present in messages (before expand)");
    const expanded = expectedColumns(spec, statuses({ expand: "complete", "migrate-code": "complete", backfill: "running" }));
    expect(schemaDrift(expanded, { messages: ["id", "to_phone", "recipient_id"] })).toBeNull();
    expect(schemaDrift(expanded, { messages: ["id", "to_phone"] })).toBe("recipient_id missing from messages (expand applied)");
    expect(schemaDrift(expanded, { messages: ["id", "recipient_id"] })).toBe("to_phone dropped early from messages (before contract)");
    // While a phase runs on the cell, its columns may be either way.
    const contracting = expectedColumns(spec, statuses({ expand: "complete", contract: "running" }));
    expect(schemaDrift(contracting, { messages: ["id", "recipient_id"] })).toBeNull();
    expect(schemaDrift(contracting, { messages: ["id", "recipient_id", "to_phone"] })).toBeNull();
    const contracted = expectedColumns(spec, statuses({ expand: "complete", contract: "complete" }));
    expect(schemaDrift(contracted, { messages: ["id", "recipient_id", "to_phone"] })).toBe(
      "to_phone still present in messages (contract applied)",
    );
    const rolledBack = expectedColumns(spec, statuses({ expand: "rolled_back" }));
    expect(schemaDrift(rolledBack, { messages: ["id", "to_phone", "recipient_id"] })).toBe(
      "recipient_id still present in messages (expand rolled back)",
    );
  });
});
