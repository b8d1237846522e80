// Sign-in throttling kept in PostgreSQL (rate-limiter-flexible's PostgreSQL store, table
// login_throttle), so it holds across app replicas. Every decision is one atomic upsert: an attempt
// takes its point BEFORE the password is checked, so 40 simultaneous wrong passwords cannot all be
// checked — the ones past the limit are refused without a password comparison. Policy (pure):
// ../throttle-policy.ts.
import type pg from "pg";
import { appMetrics } from "@/lib/metrics/server/registry";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { delayAfterFailures, LOGIN_THROTTLE, type LoginThrottlePolicy } from "../throttle-policy";

export type ThrottleTicket =
  | { ok: true; settle: (succeeded: boolean) => Promise<void> }
  | { ok: false; retryAfterSeconds: number; scope: "address" | "account and address" };

export interface LoginThrottle {
  /** Take an attempt for (account, address); on `ok`, call `settle` with the outcome. */
  begin(email: string, address: string): Promise<ThrottleTicket>;
}

const refusedBy = (e: unknown): RateLimiterRes | null => (e instanceof RateLimiterRes ? e : null);
/** A refusal's wait: never "now" (a window that ran out while the answer was computed still asks for a second). */
const waitOf = (r: RateLimiterRes) => Math.max(1, r.msBeforeNext / 1000);

export function createLoginThrottle(pool: pg.Pool, p: LoginThrottlePolicy = LOGIN_THROTTLE): LoginThrottle {
  const common = { storeClient: pool, storeType: "pool", tableName: "login_throttle", tableCreated: true, clearExpiredByTimeout: true };
  // Failed sign-ins from one address (successes give their point back).
  const byAddress = new RateLimiterPostgres({ ...common, keyPrefix: "addr", points: p.addressFailures, duration: p.addressWindowSeconds });
  // Consecutive failures of one account from one address (cleared by a success).
  const failures = new RateLimiterPostgres({ ...common, keyPrefix: "fails", points: 1_000_000_000, duration: p.failureMemorySeconds });
  // The progressive wait after a failure: the key holds its point until the wait has passed.
  const spacing = new RateLimiterPostgres({ ...common, keyPrefix: "wait", points: 1, duration: 1 });

  return {
    async begin(email, address) {
      const account = `${email.toLowerCase()}|${address}`;
      try {
        await byAddress.consume(address);
      } catch (e) {
        const r = refusedBy(e);
        if (!r) throw e;
        appMetrics().loginRefusals.inc({ scope: "address" });
        return { ok: false, retryAfterSeconds: waitOf(r), scope: "address" };
      }
      const n = (await failures.penalty(account)).consumedPoints; // this attempt counted as a failure until it succeeds
      if (delayAfterFailures(n - 1, p) > 0) {
        // The wait since the last failure is running while its key holds a point (set below); of
        // attempts arriving together once it has run out, one goes ahead.
        try {
          await spacing.consume(account, 1, { customDuration: 1 });
        } catch (e) {
          const r = refusedBy(e);
          if (!r) throw e;
          // A refused attempt neither checks the password nor deepens the delay.
          await Promise.all([failures.reward(account), byAddress.reward(address)]);
          appMetrics().loginRefusals.inc({ scope: "account and address" });
          return { ok: false, retryAfterSeconds: waitOf(r), scope: "account and address" };
        }
      }
      return {
        ok: true,
        async settle(succeeded) {
          if (succeeded) {
            await Promise.all([failures.delete(account), spacing.delete(account), byAddress.reward(address)]);
            return;
          }
          const wait = delayAfterFailures(n, p);
          if (wait > 0) await spacing.set(account, 1, wait);
        },
      };
    },
  };
}
