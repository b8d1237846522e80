// 5-minute rollups for charts over long windows, computed off the ingest path by the ticker.
// Each run recomputes — from the samples themselves, so it is idempotent — every bucket that holds
// a sample newer than the watermark, minus an overlap that covers batches which took their
// sequence numbers earlier but committed later.
import type { Db } from "@/lib/db/client";

export const ROLLUP_WATERMARK = "health.rollups.seq";
/** Sequence numbers re-examined on every run (≫ the samples in flight at once). */
export const ROLLUP_OVERLAP = 50_000;

export async function rollupRecent(db: Db): Promise<{ buckets: number; watermark: bigint }> {
  const marker = await db.systemMarker.findUnique({ where: { key: ROLLUP_WATERMARK } });
  const from = BigInt(marker?.value ?? "0");
  const since = from > BigInt(ROLLUP_OVERLAP) ? from - BigInt(ROLLUP_OVERLAP) : 0n;
  return db.$transaction(
    async (tx) => {
      // One runner at a time even outside the ticker (tests, a second worker during fail-over).
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(72707369401)`);
      const rows = await tx.$queryRaw<{ buckets: bigint; max_seq: bigint | null }[]>`
        WITH fresh AS (
          SELECT cell_id, service_id, date_bin('5 minutes', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket, seq
            FROM health_samples WHERE seq > ${since}
        ),
        touched AS (SELECT DISTINCT cell_id, service_id, bucket FROM fresh),
        agg AS (
          SELECT t.cell_id, t.service_id, t.bucket, count(*)::int AS samples,
                 sum(s.error_rate) AS sum_error_rate, max(s.error_rate) AS max_error_rate,
                 sum(s.p99_ms) AS sum_p99_ms, max(s.p99_ms) AS max_p99_ms, sum(s.cpu) AS sum_cpu, sum(s.rps) AS sum_rps
            FROM touched t
            JOIN health_samples s ON s.cell_id = t.cell_id AND s.service_id = t.service_id
                                 AND s.ts >= t.bucket AND s.ts < t.bucket + interval '5 minutes'
           GROUP BY 1, 2, 3
        ),
        up AS (
          INSERT INTO health_rollups AS r (cell_id, service_id, bucket, samples, sum_error_rate, max_error_rate, sum_p99_ms, max_p99_ms, sum_cpu, sum_rps)
          SELECT * FROM agg ORDER BY 1, 2, 3
          ON CONFLICT (cell_id, service_id, bucket) DO UPDATE SET
            samples = excluded.samples, sum_error_rate = excluded.sum_error_rate, max_error_rate = excluded.max_error_rate,
            sum_p99_ms = excluded.sum_p99_ms, max_p99_ms = excluded.max_p99_ms, sum_cpu = excluded.sum_cpu, sum_rps = excluded.sum_rps
          RETURNING 1
        )
        SELECT (SELECT count(*) FROM up) AS buckets, (SELECT max(seq) FROM fresh) AS max_seq`;
      const watermark = rows[0]!.max_seq ?? from;
      const next = watermark > from ? watermark : from;
      await tx.systemMarker.upsert({
        where: { key: ROLLUP_WATERMARK },
        create: { key: ROLLUP_WATERMARK, value: next.toString() },
        update: { value: next.toString(), at: new Date() },
      });
      return { buckets: Number(rows[0]!.buckets), watermark: next };
    },
    { timeout: 120_000 },
  );
}
