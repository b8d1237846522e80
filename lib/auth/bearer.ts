// API tokens, the pure part: reading the credential from the request headers, and the one set of
// rules that decides a stored token (revoked, expired, scope, cell binding). Looking tokens up and
// remembering them: server/tokens.ts — every HTTP entry point goes through it.
import { createHash } from "node:crypto";
import { globToRegExp } from "@/lib/rollouts/selectors";

export const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** What a token looks like on the wire (RFC 6750 b64token, bounded): anything else is refused without a lookup. */
const TOKEN_SHAPE = /^[A-Za-z0-9._~+/-]{8,200}=*$/;

export type Credential = { kind: "missing" } | { kind: "malformed"; reason: string } | { kind: "token"; token: string };

/**
 * The token of a request: `Authorization: Bearer …`, or `X-API-Key: …` (OpenFeature's second
 * scheme, accepted everywhere so that every entry point reads credentials the same way).
 */
export function credentialOf(authorization: string | null | undefined, apiKey?: string | null): Credential {
  const auth = authorization?.trim();
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    if (!m) return { kind: "malformed", reason: "the Authorization header must be `Bearer <token>`" };
    return TOKEN_SHAPE.test(m[1]!) ? { kind: "token", token: m[1]! } : { kind: "malformed", reason: "the bearer token is malformed" };
  }
  const key = apiKey?.trim();
  if (key) return TOKEN_SHAPE.test(key) ? { kind: "token", token: key } : { kind: "malformed", reason: "the X-API-Key token is malformed" };
  return { kind: "missing" };
}

/** The token of an `Authorization: Bearer …` header, or null. */
export function bearerOf(authorization: string | null | undefined): string | null {
  const c = credentialOf(authorization);
  return c.kind === "token" ? c.token : null;
}

/** A token as stored, looked up by its SHA-256. */
export interface StoredToken {
  name: string;
  scopes: string[];
  /** Cell ids or globs the token may act for; empty: any cell. */
  cells: string[];
  revokedAt: Date | null;
  expiresAt: Date | null;
}

/** An accepted token: who it is, what it may do, and for which cells (empty: any). */
export interface TokenGrant {
  name: string;
  scopes: string[];
  cells: string[];
  /** SHA-256 of the token, for statements that re-check it at their write. */
  hash: string;
}

export type TokenCheck = ({ ok: true } & TokenGrant) | { ok: false; status: 401 | 403; error: string };

/**
 * The rules, in order: missing or malformed credential, unknown, revoked or expired token → 401;
 * a token without the scope (a list: without any of them) → 403.
 */
export function decideToken(
  credential: Credential,
  row: StoredToken | undefined,
  hash: string,
  scope: string | readonly string[],
  now: number,
): TokenCheck {
  if (credential.kind === "missing") return { ok: false, status: 401, error: "missing bearer token" };
  if (credential.kind === "malformed") return { ok: false, status: 401, error: credential.reason };
  if (!row || row.revokedAt) return { ok: false, status: 401, error: "unknown or revoked token" };
  if (row.expiresAt && row.expiresAt.getTime() <= now) {
    return { ok: false, status: 401, error: `token expired at ${row.expiresAt.toISOString()}` };
  }
  const anyOf = typeof scope === "string" ? [scope] : scope;
  if (!anyOf.some((x) => row.scopes.includes(x))) return { ok: false, status: 403, error: `token lacks scope ${anyOf.join(" or ")}` };
  return { ok: true, name: row.name, scopes: row.scopes, cells: row.cells, hash };
}

/** May a token bound to `patterns` (ids or globs; empty: any cell) act for `cell`? */
export function tokenCovers(patterns: readonly string[], cell: string): boolean {
  return patterns.length === 0 || patterns.some((p) => (p.includes("*") ? globToRegExp(p).test(cell) : p === cell));
}

/** The cells of `cells` a grant may not act for (sorted, unique), and the reason to give. */
export function cellsRefused(
  grant: Pick<TokenGrant, "name" | "cells">,
  cells: Iterable<string>,
): { cells: string[]; message: string } | null {
  if (grant.cells.length === 0) return null;
  const refused = [...new Set([...cells].filter((c) => !tokenCovers(grant.cells, c)))].sort();
  if (refused.length === 0) return null;
  const shown = refused.length > 5 ? `${refused.slice(0, 5).join(", ")} and ${refused.length - 5} more` : refused.join(", ");
  return {
    cells: refused,
    message: `token "${grant.name}" is bound to cells ${grant.cells.join(", ")}; it may not act for ${shown}`,
  };
}

/** `--cells 'smb-*'` or `--cells smb-us-1,smb-us-2`: ids or globs (only `*` is special). */
export function parseCellBinding(spec: string): { ok: true; cells: string[] } | { ok: false; error: string } {
  const cells = [
    ...new Set(
      spec
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  if (cells.length === 0) return { ok: false, error: "name at least one cell id or glob" };
  const bad = cells.find((c) => !/^[a-z0-9*-]{1,64}$/.test(c));
  if (bad !== undefined) return { ok: false, error: `"${bad}" is not a cell id or glob (lower-case letters, digits, - and *)` };
  if (cells.includes("*")) return { ok: false, error: '"*" binds nothing: leave --cells out for a token that may act for any cell' };
  return { ok: true, cells };
}
