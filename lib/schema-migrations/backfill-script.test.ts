import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseBackfillScript, verifyQuery } from "./backfill-script";

const sql = fs.readFileSync(path.resolve(import.meta.dirname, "../../examples/migrations/001_backfill_recipient_id.sql"), "utf8");

describe("the backfill batch contract", () => {
  it("reads the shipped SQL backfill", () => {
    expect(parseBackfillScript("migrations/001_backfill_recipient_id.sql", sql)).toEqual({
      table: "messages",
      key: "id",
      statement: "UPDATE messages SET recipient_id = to_phone WHERE id > $1 AND id <= $2 AND recipient_id IS NULL",
      verify: "SELECT count(*)::bigint AS n FROM messages WHERE id > $1 AND id <= $2 AND recipient_id IS NULL",
    });
  });
  it.each([
    [
      "UPDATE messages m SET recipient_id = (SELECT 1 WHERE true) WHERE m.id > $1 AND m.id <= $2 AND m.recipient_id IS NULL RETURNING m.id",
      "SELECT count(*)::bigint AS n FROM messages m WHERE m.id > $1 AND m.id <= $2 AND m.recipient_id IS NULL",
    ],
    [
      "UPDATE messages SET sender_id = s.id FROM senders s WHERE s.phone = messages.from_phone AND messages.id > $1 AND messages.id <= $2",
      "SELECT count(*)::bigint AS n FROM messages, senders s WHERE s.phone = messages.from_phone AND messages.id > $1 AND messages.id <= $2",
    ],
    ["DELETE FROM messages WHERE id > $1 AND id <= $2", null],
    ["UPDATE messages SET a = 'WHERE x' ", null],
  ])("verifies %s by counting its own predicate", (statement, want) => {
    expect(verifyQuery(statement)).toBe(want);
  });
  it.each([
    ["migrations/001_backfill_recipient_id.py", "", /is not SQL: direct mode runs only \.sql backfills; run this phase in agent mode/],
    ["b.sql", null, /no such script/],
    ["b.sql", "UPDATE t SET a = b WHERE id > $1 AND id <= $2", /no "-- cellplane: table=/],
    ["b.sql", "-- cellplane: table=t\nUPDATE t SET a = b", /batch bounds \$1/],
    ["b.sql", "-- cellplane: table=t\nUPDATE t SET a = b WHERE id > $1 AND id <= $2; DELETE FROM t", /single statement/],
    ["b.sql", "-- cellplane: table=t\nDELETE FROM t WHERE id > $1 AND id <= $2", /must be an UPDATE … WHERE/],
  ])("refuses %s (%s)", (p, text, message) => {
    expect(parseBackfillScript(p, text)).toMatch(message);
  });
});
