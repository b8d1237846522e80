// Password sign-in: throttle first (atomically), then the password, then settle the throttle.
import type { Db } from "@/lib/db/client";
import { DUMMY_HASH, verifyPassword } from "../passwords";
import type { Principal } from "../roles";
import type { LoginThrottle } from "./throttle";

export type SignInResult =
  | { ok: true; user: Principal }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

export async function signInWithPassword(
  db: Db,
  throttle: LoginThrottle,
  input: { email: string; password: string; address: string },
): Promise<SignInResult> {
  const ticket = await throttle.begin(input.email, input.address);
  if (!ticket.ok) return { ok: false, reason: "throttled", retryAfterSeconds: ticket.retryAfterSeconds };
  const user = await db.user.findUnique({ where: { email: input.email.toLowerCase() } });
  // Unknown accounts are compared against a real hash too: same timing, same answer.
  const ok = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);
  await ticket.settle(!!user && ok);
  if (!user || !ok) return { ok: false, reason: "invalid" };
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
}
