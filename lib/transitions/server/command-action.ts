// Server actions that send a person's command to a stored machine (a release, a migration run):
// one factory for both. Each action is a `defineAction` (the one door: session, named permission,
// zod input, one transaction with its audit events); its run builds the command from the input and
// hands it to the machine's transition, which the engine decides under the row lock — four-eyes
// included (lib/approvals/four-eyes.ts).
import type { z } from "zod";
import type { Audited } from "@/lib/audit/events";
import type { Principal } from "@/lib/auth/roles";
import { defineAction, type Revalidation } from "@/lib/auth/server/action";
import type { Tx } from "@/lib/db/client";
import { env } from "@/lib/env";

/** A machine's command entry point: `commandRelease`, `commandRun`. */
export type SendCommand<C, T> = (tx: Tx, id: string, cmd: C, actor: string, now: Date, timeScale: number) => Promise<Audited<T>>;

/**
 * The action factory of one machine: `commandActions(commandRelease, ["/releases"])` returns
 * `(name, permission, input, build)` → an action whose input names the machine's `id`.
 */
export function commandActions<C, T>(send: SendCommand<C, T>, revalidate: Revalidation[]) {
  return <S extends z.ZodType<{ id: string }>>(
    name: string,
    permission: (user: Principal) => boolean,
    input: S,
    build: (input: z.output<S>, user: Principal) => C,
  ) =>
    defineAction({
      name,
      permission,
      input,
      run: ({ tx, input, user }) => send(tx, input.id, build(input, user), user.email, new Date(), env().CELLPLANE_TIME_SCALE),
      revalidate,
    });
}
