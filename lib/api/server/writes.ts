import "server-only";
// Writes from route handlers: a store change runs in one transaction of the app's database and its
// audit events are written in it, with the API caller as the actor (`token:<name>` or the user's
// email). Route handlers call store functions through this; they never touch Prisma themselves.
import type { Audited } from "@/lib/audit/events";
import { audited } from "@/lib/audit/server/record";
import { db } from "@/lib/db";
import type { Tx } from "@/lib/db/client";
import { type Caller, callerName } from "./http";

export function writeAs<T>(
  caller: Caller,
  change: (tx: Tx, actor: string) => Promise<Audited<T>>,
  opts?: { timeout?: number },
): Promise<T> {
  const actor = callerName(caller);
  return audited(db(), actor, (tx) => change(tx, actor), opts);
}
