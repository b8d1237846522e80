// Domain errors that the one door turns into typed results (and API routes into 4xx), and the
// errors of a saturated database that both answer "busy, retry".
import type { SpecError } from "@/lib/yaml-errors";

export class DomainError extends Error {
  constructor(
    public readonly code: "CONFLICT" | "INVALID" | "NOT_FOUND" | "PRECONDITION",
    message: string,
    public readonly fieldErrors?: Record<string, string[]>,
    public readonly specErrors?: SpecError[],
  ) {
    super(message);
    this.name = "DomainError";
  }
}

/**
 * A state machine (a release's engine, a migration run's) refusing a command that does not apply
 * in its current state. Pure code throws it; stores turn it into a DomainError.
 */
export class TransitionError extends Error {
  constructor(
    public readonly code: "CONFLICT" | "PRECONDITION" | "FORBIDDEN",
    message: string,
  ) {
    super(message);
  }
}

// "Busy, retry": the errors that mean the database had no connection for this request in time —
// not that anything about the request is wrong. Nothing was changed; the same request may succeed
// a moment later. The door answers them BUSY, HTTP APIs 503 with Retry-After (pools: lib/db/pools.ts).
//
//   Prisma P2028 "Unable to start a transaction in the given time" (an interactive transaction
//     waited longer than its maxWait for a connection);
//   node-postgres "timeout exceeded when trying to connect" (a pool's connectionTimeoutMillis),
//     also when it reaches us wrapped by Prisma;
//   PostgreSQL 53300 too_many_connections, 57P03 cannot_connect_now.

/** Seconds a client should wait before retrying a request refused as busy. */
export const BUSY_RETRY_AFTER_S = 2;

const BUSY_MESSAGES = [/Unable to start a transaction in the given time/i, /timeout exceeded when trying to connect/i];
const BUSY_SQLSTATES = new Set(["53300", "57P03"]);

export function isPoolBusy(e: unknown): boolean {
  const seen = new Set<unknown>();
  const todo: unknown[] = [e];
  while (todo.length) {
    const cur = todo.pop();
    if (!cur || typeof cur !== "object" || seen.has(cur)) continue;
    seen.add(cur);
    const x = cur as {
      code?: unknown;
      originalCode?: unknown;
      message?: unknown;
      cause?: unknown;
      meta?: { driverAdapterError?: unknown };
    };
    if (typeof x.message === "string" && BUSY_MESSAGES.some((re) => re.test(x.message as string))) return true;
    if ([x.code, x.originalCode].some((c) => typeof c === "string" && BUSY_SQLSTATES.has(c))) return true;
    // Prisma wraps driver errors: meta.driverAdapterError.cause carries PostgreSQL's code.
    todo.push(x.cause, x.meta?.driverAdapterError);
  }
  return false;
}
