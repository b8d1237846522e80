// The raw insert of the ingest benchmark's floor and ceiling (scripts/bench-ingest.ts,
// bare-ingest-server.ts): the app's own statement form — column arrays in PostgreSQL's binary format,
// time as epoch milliseconds — doing nothing but the insert into health_samples.
import { zipped } from "@/lib/db/pg-array";
import { sampleColumnParams } from "@/lib/health/server/ingest";
import { type SimSample, sampleColumns } from "@/lib/simulator/engine";

export const SAMPLE_COLUMNS = ["cell_id", "service_id", "ts", "error_rate", "p99_ms", "cpu", "rps", "version"] as const;

const insertFrom = (rows: string) => `INSERT INTO health_samples (${SAMPLE_COLUMNS.join(", ")})
  SELECT c, s, to_timestamp(ms / 1000), e, p, u, r, v FROM ${rows}`;

/** The rows zipped from the arrays in a select list (lib/db/pg-array.ts `zipped`), as the app's statement does: the fastest form. */
export const UNNEST_INSERT_SQL = insertFrom(
  `${zipped(1, "c text, s text, ms float8, e float8, p float8, u float8, r float8, v text")} AS t`,
);
/** The same rows from `unnest(…)` in FROM, which copies each array into a tuplestore first. */
export const UNNEST_FROM_INSERT_SQL = insertFrom(
  "unnest($1::text[], $2::text[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::text[]) AS t(c, s, ms, e, p, u, r, v)",
);

/** UNNEST_INSERT_SQL's parameters for a batch, in binary. */
export const unnestParams = (b: SimSample[]) => columnParams(sampleColumns(b));

/** UNNEST_INSERT_SQL's parameters from a batch's columns (POST /api/v1/telemetry's `columns` form), in binary: the app's own. */
export const columnParams = sampleColumnParams;
