// Users and API tokens: shared by the app and the CLI. Mutations take a transaction client and
// return their audit events for the caller's door (`withAudit`) to write in it.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { Audited } from "@/lib/audit/events";
import type { Db, Tx } from "@/lib/db/client";
import { parseDuration } from "@/lib/rollouts/durations";
import { credentialOf, parseCellBinding, sha256, type TokenCheck } from "../bearer";
import { hashPassword } from "../passwords";
import { ROLES, TOKEN_SCOPES, type Principal, type TokenScope } from "../roles";
import { createTokenVerifier, prismaRows } from "./tokens";

export { sha256, type TokenCheck };

export const newUserSchema = z.object({
  email: z.email("must be an email address").transform((e) => e.toLowerCase()),
  name: z.string().trim().min(1, "required").max(120),
  role: z.enum(ROLES, { error: `must be one of ${ROLES.join(", ")}` }),
  password: z.string().min(8, "must be at least 8 characters").max(200),
});

export async function createUser(tx: Tx, input: z.input<typeof newUserSchema>): Promise<Audited<Principal>> {
  const u = newUserSchema.parse(input);
  const row = await tx.user.create({
    data: { email: u.email, name: u.name, role: u.role, passwordHash: await hashPassword(u.password) },
  });
  return {
    data: { id: row.id, email: row.email, name: row.name, role: row.role },
    audit: [
      { action: "user.create", targetType: "user", targetId: row.email, after: { email: row.email, name: row.name, role: row.role } },
    ],
  };
}

export const newTokenSchema = z.object({
  name: z
    .string()
    .trim()
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.:-]{0,63}$/, "letters, digits, _ . : - (max 64)"),
  scopes: z.array(z.enum(TOKEN_SCOPES, { error: `unknown scope (known: ${TOKEN_SCOPES.join(", ")})` })).min(1, "at least one scope"),
  /** How long the token is valid: "90d", "12h", "1d 12h" (omitted: until revoked). */
  expires: z
    .string()
    .trim()
    .refine((v) => (parseDuration(v) ?? 0) >= 60_000, 'a duration of at least a minute, such as "90d" or "12h"')
    .optional(),
  /** Cells the token may act for: ids or globs, comma-separated ("smb-*", "smb-us-1,smb-us-2"); omitted: any cell. */
  cells: z
    .string()
    .superRefine((v, ctx) => {
      const b = parseCellBinding(v);
      if (!b.ok) ctx.addIssue({ code: "custom", message: b.error });
    })
    .optional(),
});

export interface NewToken {
  token: string;
  name: string;
  scopes: TokenScope[];
  expiresAt: Date | null;
  cells: string[];
}

/** Create an API token; the plain token is returned once and only its SHA-256 is stored. */
export async function createToken(
  tx: Tx,
  input: z.input<typeof newTokenSchema>,
  actor: string,
  now = new Date(),
): Promise<Audited<NewToken>> {
  const t = newTokenSchema.parse(input);
  const token = `cp_${randomBytes(24).toString("base64url")}`;
  const expiresAt = t.expires ? new Date(now.getTime() + parseDuration(t.expires)!) : null;
  const binding = t.cells ? parseCellBinding(t.cells) : null;
  const cells = binding?.ok ? binding.cells : [];
  await tx.apiToken.create({
    data: { name: t.name, scopes: t.scopes, tokenHash: sha256(token), prefix: token.slice(0, 7), createdBy: actor, expiresAt, cells },
  });
  return {
    data: { token, name: t.name, scopes: t.scopes, expiresAt, cells },
    audit: [
      {
        action: "token.create",
        targetType: "api_token",
        targetId: t.name,
        after: { scopes: t.scopes, ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}), ...(cells.length ? { cells } : {}) },
      },
    ],
  };
}

/**
 * Replace the token called `name`: revoke the live one (renamed `<name>~revoked-<ms>`, a name no
 * new token can take, so the name is free again) and create a new one. One transaction, audited.
 */
export async function rotateToken(
  tx: Tx,
  input: z.input<typeof newTokenSchema>,
  actor: string,
  now: Date,
): Promise<Audited<NewToken & { revoked: number }>> {
  const { name } = newTokenSchema.parse(input);
  const live = await tx.apiToken.findMany({ where: { name }, select: { id: true, revokedAt: true } });
  for (const t of live) {
    await tx.apiToken.update({ where: { id: t.id }, data: { name: `${name}~revoked-${now.getTime()}`, revokedAt: t.revokedAt ?? now } });
  }
  const revoked = live.length
    ? [{ action: "token.revoke", targetType: "api_token", targetId: name, after: { revokedAt: now.toISOString() } }]
    : [];
  const created = await createToken(tx, input, actor, now);
  return { data: { ...created.data, revoked: live.length }, audit: [...revoked, ...created.audit] };
}

/**
 * Check a bearer token for a scope, looking it up now (no cache): the same statement and rules as
 * every HTTP entry point (./tokens.ts). 401: missing, malformed, unknown, revoked or expired; 403:
 * lacks the scope.
 */
export async function checkToken(db: Db, authorization: string | null, scope: TokenScope): Promise<TokenCheck> {
  return createTokenVerifier(prismaRows(db), { ttlMs: 0 }).check(credentialOf(authorization), scope);
}
