// Server actions that send a person's command to a stored machine (a release, a migration run):
// one factory for both. Each action is a `defineAction` (the one door: session, named permission,
// zod input, one transaction with its audit events); its run builds the command from the input and
// hands it to the machine's transition, which the engine decides under the row lock — four-eyes
// included (lib/approvals/four-eyes.ts). A decision whose blast radius the page previewed checks
// it again and records it with the command (lib/changes/server/blast-radius.ts).
import type { z } from "zod";
import type { Audited } from "@/lib/audit/events";
import type { BlastTarget } from "@/lib/changes/blast-radius";
import { confirmBlastRadius } from "@/lib/changes/server/blast-radius";
import type { Principal } from "@/lib/auth/roles";
import { defineAction, type Revalidation } from "@/lib/auth/server/action";
import type { Tx } from "@/lib/db/client";
import { env } from "@/lib/env";

/** A machine's command entry point: `commandRelease`, `commandRun`. */
export type SendCommand<C, T> = (tx: Tx, id: string, cmd: C, actor: string, now: Date, timeScale: number) => Promise<Audited<T>>;

/**
 * The action factory of one machine: `commandActions(commandRelease, ["/releases"])` returns
 * `(name, permission, input, build, blast?)` → an action whose input names the machine's `id`;
 * `blast` names the previewed target and the warnings the person was shown.
 */
export function commandActions<C, T>(send: SendCommand<C, T>, revalidate: Revalidation[]) {
  return <S extends z.ZodType<{ id: string }>>(
    name: string,
    permission: (user: Principal) => boolean,
    input: S,
    build: (input: z.output<S>, user: Principal) => C,
    blast?: (input: z.output<S>) => { target: BlastTarget; seen: readonly string[] | undefined },
  ) =>
    defineAction({
      name,
      permission,
      input,
      async run({ tx, input, user }) {
        const now = new Date();
        const b = blast?.(input);
        const shown = b ? await confirmBlastRadius(tx, b.target, b.seen, now) : [];
        const r = await send(tx, input.id, build(input, user), user.email, now, env().CELLPLANE_TIME_SCALE);
        return { data: r.data, audit: [...r.audit, ...shown] };
      },
      revalidate,
    });
}
