import "server-only";
// The one door for mutations. Every server action is built with `defineAction`, which
//   1. loads the signed-in user from the database (no session → UNAUTHENTICATED),
//   2. checks the named permission on the server (→ FORBIDDEN),
//   3. parses the input with zod (→ INVALID with field errors),
//   4. runs the domain call and writes its audit events in ONE transaction,
//   5. returns a typed result instead of throwing across the network — BUSY (retryable, nothing
//      changed) when the database had no connection for it in time.
import { z } from "zod";
import type { Tx } from "@/lib/db/client";
import { db } from "@/lib/db";
import { recordAudit, type AuditInput } from "@/lib/audit/server/record";
import { DomainError, isPoolBusy } from "@/lib/errors";
import { SpecValidationError, type SpecError } from "@/lib/yaml-errors";
import type { Principal } from "../roles";
import { currentUser } from "./session";

export type ActionResult<T> =
  | { ok: true; data: T }
  | {
      ok: false;
      code: "UNAUTHENTICATED" | "FORBIDDEN" | "INVALID" | "CONFLICT" | "NOT_FOUND" | "PRECONDITION" | "BUSY" | "ERROR";
      message: string;
      fieldErrors?: Record<string, string[]>;
      specErrors?: SpecError[];
    };

export interface ActionContext<I> {
  user: Principal;
  input: I;
  tx: Tx;
}

export interface ActionOutcome<T> {
  data: T;
  /** The audit events of this change, written in the same transaction. Required: no silent mutations. */
  audit: AuditInput | AuditInput[];
}

interface Definition<S extends z.ZodType, T> {
  name: string;
  permission: (user: Principal) => boolean;
  input: S;
  run: (ctx: ActionContext<z.output<S>>) => Promise<ActionOutcome<T>>;
  /** Transaction timeout for long imports. */
  timeoutMs?: number;
}

function fromFormData(fd: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of fd.entries()) {
    if (k.startsWith("$ACTION")) continue;
    out[k] = k in out ? ([] as unknown[]).concat(out[k], v) : v;
  }
  return out;
}

const BUSY = { ok: false, code: "BUSY", message: "Cellplane is busy right now; nothing was changed. Try again in a moment." } as const;

export function defineAction<S extends z.ZodType, T>(def: Definition<S, T>) {
  return async function action(raw: unknown): Promise<ActionResult<T>> {
    let user: Principal | null;
    try {
      user = await currentUser();
    } catch (e) {
      if (isPoolBusy(e)) return BUSY;
      throw e;
    }
    if (!user) return { ok: false, code: "UNAUTHENTICATED", message: "Sign in first." };
    if (!def.permission(user)) {
      return { ok: false, code: "FORBIDDEN", message: `Your role (${user.role}) may not ${def.name}.` };
    }
    const parsed = def.input.safeParse(raw instanceof FormData ? fromFormData(raw) : raw);
    if (!parsed.success) {
      return {
        ok: false,
        code: "INVALID",
        message: "Some fields are not valid.",
        fieldErrors: z.flattenError(parsed.error).fieldErrors as Record<string, string[]>,
      };
    }
    try {
      const data = await db().$transaction(
        async (tx) => {
          const outcome = await def.run({ user, input: parsed.data, tx });
          await recordAudit(tx, user.email, outcome.audit);
          return outcome.data;
        },
        { timeout: def.timeoutMs ?? 15_000 },
      );
      return { ok: true, data };
    } catch (e) {
      if (e instanceof SpecValidationError) {
        return { ok: false, code: "INVALID", message: "The file is not valid. Nothing was changed.", specErrors: e.errors };
      }
      if (e instanceof DomainError) {
        return { ok: false, code: e.code, message: e.message, fieldErrors: e.fieldErrors, specErrors: e.specErrors };
      }
      if (isPoolBusy(e)) return BUSY;
      console.error(`[action ${def.name}]`, e);
      return { ok: false, code: "ERROR", message: "Something went wrong; nothing was changed." };
    }
  };
}
