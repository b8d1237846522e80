import "server-only";
// The one door for mutations. Every server action is built with `defineAction`, which
//   1. loads the signed-in user from the database (no session → UNAUTHENTICATED),
//   2. checks the named permission on the server (→ FORBIDDEN),
//   3. parses the input with zod (→ INVALID with field errors),
//   4. runs the change and writes the audit events it returns in ONE transaction — a change that
//      writes rows and returns no audit event is refused and rolled back (MissingAuditError),
//   5. returns a typed result instead of throwing across the network — BUSY (retryable, nothing
//      changed) when the database had no connection for it in time,
//   6. after the commit, revalidates the pages the change affects.
// The action carries its definition (name, permission, input schema) and `runAs`, which runs it for
// a given user without a Next.js request (tests, the action registry in app/action-registry.ts).
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { type AuditInput, auditList } from "@/lib/audit/events";
import { recordAudit, rowsWritten } from "@/lib/audit/server/record";
import { db } from "@/lib/db";
import type { Db, Tx } from "@/lib/db/client";
import { env } from "@/lib/env";
import { DomainError, isPoolBusy } from "@/lib/errors";
import { redactUrlsInText } from "@/lib/secrets/redact";
import { type SpecError, SpecValidationError } from "@/lib/yaml-errors";
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
  /**
   * The audit events of this change, written by the door in the same transaction. Required: a run
   * that wrote rows and returns none fails. Only a run that changed nothing (a preview, an edit
   * that changes no field) may return none.
   */
  audit: AuditInput | AuditInput[];
}

/** A page to revalidate after a successful change: a path, or a path and its whole layout. */
export type Revalidation = string | { layout: string };

export interface ActionDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  permission: (user: Principal) => boolean;
  input: S;
}

interface Definition<S extends z.ZodType, T> extends ActionDefinition<S> {
  run: (ctx: ActionContext<z.output<S>>) => Promise<ActionOutcome<T>>;
  /** Transaction timeout for long imports. */
  timeoutMs?: number;
  /** Pages whose cached render this change makes stale (revalidated after the commit, in a request). */
  revalidate?: Revalidation[] | ((data: T) => Revalidation[]);
  /** After the commit, in every process that ran the change (e.g. drop an in-process cache). */
  afterCommit?: (data: T) => void;
}

export interface DefinedAction<S extends z.ZodType, T> {
  /** The server action: the user comes from the session. */
  (raw: unknown): Promise<ActionResult<T>>;
  readonly definition: ActionDefinition<S>;
  /** The same door for a given user, without a Next.js request (no revalidation). */
  runAs(user: Principal | null, raw: unknown, opts?: { db?: Db }): Promise<ActionResult<T>>;
}

/** A change that wrote rows without returning an audit event: a bug in the action or its store. */
export class MissingAuditError extends Error {
  constructor(action: string, rows: number) {
    super(`action "${action}" wrote ${rows} row(s) and returned no audit event; nothing was changed`);
    this.name = "MissingAuditError";
  }
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

/** The signed-in user, or BUSY when the database had no connection to load them. */
async function userOrBusy(): Promise<{ user: Principal | null } | typeof BUSY> {
  try {
    return { user: await currentUser() };
  } catch (e) {
    if (isPoolBusy(e)) return BUSY;
    throw e;
  }
}

async function execute<S extends z.ZodType, T>(
  def: Definition<S, T>,
  user: Principal | null,
  raw: unknown,
  database: Db,
): Promise<ActionResult<T>> {
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
  let data: T;
  try {
    data = await database.$transaction(
      async (tx) => {
        const before = await rowsWritten(tx);
        const outcome = await def.run({ user, input: parsed.data, tx });
        const events = auditList(outcome.audit);
        if (events.length > 0) await recordAudit(tx, user.email, events);
        else {
          const written = (await rowsWritten(tx)) - before;
          if (written > 0) throw new MissingAuditError(def.name, written);
        }
        return outcome.data;
      },
      { timeout: def.timeoutMs ?? 15_000 },
    );
  } catch (e) {
    if (e instanceof SpecValidationError) {
      return { ok: false, code: "INVALID", message: "The file is not valid. Nothing was changed.", specErrors: e.errors };
    }
    if (e instanceof DomainError) {
      return { ok: false, code: e.code, message: e.message, fieldErrors: e.fieldErrors, specErrors: e.specErrors };
    }
    // In development and tests a missing audit event is a loud failure; in production the change
    // is rolled back all the same and the user told so.
    if (e instanceof MissingAuditError && env().NODE_ENV !== "production") throw e;
    if (isPoolBusy(e)) return BUSY;
    // Logged with URLs redacted: an error may quote the input, and webhook URLs are secrets.
    console.error(`[action ${def.name}]`, redactUrlsInText(String((e as Error)?.stack ?? e)));
    return { ok: false, code: "ERROR", message: "Something went wrong; nothing was changed." };
  }
  def.afterCommit?.(data);
  return { ok: true, data };
}

export function defineAction<S extends z.ZodType, T>(def: Definition<S, T>): DefinedAction<S, T> {
  const action = async (raw: unknown): Promise<ActionResult<T>> => {
    const who = await userOrBusy();
    if (!("user" in who)) return who;
    const result = await execute(def, who.user, raw, db());
    if (result.ok && def.revalidate) {
      const paths = typeof def.revalidate === "function" ? def.revalidate(result.data) : def.revalidate;
      for (const p of paths) {
        if (typeof p === "string") revalidatePath(p);
        else revalidatePath(p.layout, "layout");
      }
    }
    return result;
  };
  return Object.assign(action, {
    definition: { name: def.name, permission: def.permission, input: def.input },
    runAs: (user: Principal | null, raw: unknown, opts: { db?: Db } = {}) => execute(def, user, raw, opts.db ?? db()),
  });
}

/** Whether a module export is an action built with `defineAction` (for the action registry). */
export function isDefinedAction(v: unknown): v is DefinedAction<z.ZodType, unknown> {
  return (
    typeof v === "function" &&
    typeof (v as { runAs?: unknown }).runAs === "function" &&
    typeof (v as { definition?: { name?: unknown } }).definition?.name === "string"
  );
}
