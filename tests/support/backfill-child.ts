// A separate process running a direct-mode backfill to completion, so a test can SIGKILL it mid-batch.
// Usage: node --import tsx tests/support/backfill-child.ts <cell database url> <migration id> <interval>
import pg from "pg";
import { backfillAll } from "@/lib/schema-migrations/server/direct";

const [url, migrationId, interval] = process.argv.slice(2);
// Counts every time a row is touched (no trigger): double work would show as backfill_count = 2.
// The pg_sleep makes each batch last long enough to be killed inside it.
const plan = {
  table: "messages",
  key: "id",
  statement:
    "UPDATE messages SET recipient_id = to_phone, backfill_count = backfill_count + 1 WHERE id > $1 AND id <= $2 AND (SELECT true FROM pg_sleep(0.05))",
};
const client = new pg.Client({ connectionString: url, application_name: "backfill-child" });
await client.connect();
await backfillAll(client, migrationId!, "backfill", plan, Number(interval));
await client.end();
console.log("done");
