// Sign-in throttling per account and per client address, kept in PostgreSQL so it holds across
// app replicas. A fixed window counted by one atomic upsert per failure.
import type { Db } from "@/lib/db/client";

export const LOGIN_LIMITS = {
  account: { max: 10, windowMs: 15 * 60_000 },
  address: { max: 50, windowMs: 15 * 60_000 },
} as const;

export function loginKeys(email: string, address: string | undefined) {
  return [
    { key: `acct:${email.toLowerCase()}`, ...LOGIN_LIMITS.account },
    ...(address ? [{ key: `addr:${address}`, ...LOGIN_LIMITS.address }] : []),
  ];
}

/** True when any key has used up its window. */
export async function isThrottled(db: Db, keys: ReturnType<typeof loginKeys>, now: Date): Promise<boolean> {
  const rows = await db.loginAttempt.findMany({ where: { key: { in: keys.map((k) => k.key) } } });
  return rows.some((r) => {
    const k = keys.find((x) => x.key === r.key)!;
    return now.getTime() - r.windowStart.getTime() < k.windowMs && r.count >= k.max;
  });
}

export async function recordFailure(db: Db, keys: ReturnType<typeof loginKeys>, now: Date) {
  for (const k of keys) {
    await db.$executeRaw`
      INSERT INTO login_attempts (key, count, window_start) VALUES (${k.key}, 1, ${now})
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN login_attempts.window_start < ${new Date(now.getTime() - k.windowMs)} THEN 1 ELSE login_attempts.count + 1 END,
        window_start = CASE WHEN login_attempts.window_start < ${new Date(now.getTime() - k.windowMs)} THEN ${now} ELSE login_attempts.window_start END`;
  }
}

export async function clearAccount(db: Db, email: string) {
  await db.loginAttempt.deleteMany({ where: { key: `acct:${email.toLowerCase()}` } });
}
