import type { Db } from "@/lib/db/client";
import { createFlagSource, type SqlQuery } from "@/lib/flags/server/source";

/** A flag source on `db` that counts the SQL statements it sends (batches: one each). */
export function countingFlagSource(db: Db) {
  let statements = 0;
  const query: SqlQuery = (sql, params) => {
    statements++;
    return db.$queryRawUnsafe(sql, ...params);
  };
  return { source: createFlagSource(db, query), statements: () => statements };
}
