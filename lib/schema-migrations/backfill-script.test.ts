import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseBackfillScript } from "./backfill-script";

const sql = fs.readFileSync(path.resolve(import.meta.dirname, "../../examples/migrations/001_backfill_recipient_id.sql"), "utf8");

describe("the backfill batch contract", () => {
  it("reads the shipped SQL backfill", () => {
    expect(parseBackfillScript("migrations/001_backfill_recipient_id.sql", sql)).toEqual({
      table: "messages",
      key: "id",
      statement: "UPDATE messages SET recipient_id = to_phone WHERE id > $1 AND id <= $2 AND recipient_id IS NULL",
    });
  });
  it.each([
    ["migrations/001_backfill_recipient_id.py", "", /is not SQL: direct mode runs only \.sql backfills; run this phase in agent mode/],
    ["b.sql", null, /no such script/],
    ["b.sql", "UPDATE t SET a = b WHERE id > $1 AND id <= $2", /no "-- cellplane: table=/],
    ["b.sql", "-- cellplane: table=t\nUPDATE t SET a = b", /batch bounds \$1/],
    ["b.sql", "-- cellplane: table=t\nUPDATE t SET a = b WHERE id > $1 AND id <= $2; DELETE FROM t", /single statement/],
  ])("refuses %s (%s)", (p, text, message) => {
    expect(parseBackfillScript(p, text)).toMatch(message);
  });
});
