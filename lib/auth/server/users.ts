// Users and API tokens: shared by the app and the CLI. Mutations take a transaction client and
// return their audit events for the caller's door (`withAudit`) to write in it.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { Audited } from "@/lib/audit/events";
import type { Db, Tx } from "@/lib/db/client";
import { bearerOf, sha256, type TokenCheck } from "../bearer";
import { hashPassword } from "../passwords";

export { sha256, type TokenCheck };
import { ROLES, TOKEN_SCOPES, type Principal, type TokenScope } from "../roles";

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
});

/** Create an API token; the plain token is returned once and only its SHA-256 is stored. */
export async function createToken(
  tx: Tx,
  input: z.input<typeof newTokenSchema>,
  actor: string,
): Promise<Audited<{ token: string; name: string; scopes: TokenScope[] }>> {
  const t = newTokenSchema.parse(input);
  const token = `cp_${randomBytes(24).toString("base64url")}`;
  await tx.apiToken.create({
    data: { name: t.name, scopes: t.scopes, tokenHash: sha256(token), prefix: token.slice(0, 7), createdBy: actor },
  });
  return {
    data: { token, name: t.name, scopes: t.scopes },
    audit: [{ action: "token.create", targetType: "api_token", targetId: t.name, after: { scopes: t.scopes } }],
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
): Promise<Audited<{ token: string; name: string; scopes: TokenScope[]; revoked: number }>> {
  const { name } = newTokenSchema.parse(input);
  const live = await tx.apiToken.findMany({ where: { name }, select: { id: true, revokedAt: true } });
  for (const t of live) {
    await tx.apiToken.update({ where: { id: t.id }, data: { name: `${name}~revoked-${now.getTime()}`, revokedAt: t.revokedAt ?? now } });
  }
  const revoked = live.length
    ? [{ action: "token.revoke", targetType: "api_token", targetId: name, after: { revokedAt: now.toISOString() } }]
    : [];
  const created = await createToken(tx, input, actor);
  return { data: { ...created.data, revoked: live.length }, audit: [...revoked, ...created.audit] };
}

/** Check a bearer token for a scope. 401: missing/unknown/revoked; 403: lacks the scope. */
export async function checkToken(db: Db, authorization: string | null, scope: TokenScope): Promise<TokenCheck> {
  const token = bearerOf(authorization);
  if (!token) return { ok: false, status: 401, error: "missing bearer token" };
  const row = await db.apiToken.findUnique({ where: { tokenHash: sha256(token) } });
  if (!row || row.revokedAt) return { ok: false, status: 401, error: "unknown or revoked token" };
  if (!row.scopes.includes(scope)) return { ok: false, status: 403, error: `token lacks scope ${scope}` };
  // Best effort and cheap: at most one write a minute per token.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } }).catch(() => {});
  }
  return { ok: true, name: row.name, scopes: row.scopes };
}
