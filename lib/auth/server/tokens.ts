import type pg from "pg";
import { bearerOf, sha256, type TokenCheck } from "../bearer";

/**
 * Verifies bearer tokens against api_tokens with plain SQL (401: missing, unknown or revoked; 403:
 * lacks the scope) and remembers accepted tokens for `ttlMs`, so a busy client costs no lookup per
 * request. Only for endpoints whose write re-checks the token in its own statement (telemetry
 * ingest does), so that a revoked token stores nothing even while it is remembered here.
 * last_used_at is written at most once a minute per token, as checkToken does.
 */
export function createTokenVerifier(pool: Pick<pg.Pool, "query">, ttlMs = 10_000, clock: () => number = Date.now) {
  const accepted = new Map<string, { name: string; scopes: string[]; until: number }>();
  return {
    async verify(authorization: string | null | undefined, scope: string): Promise<TokenCheck & { hash?: string }> {
      const token = bearerOf(authorization);
      if (!token) return { ok: false, status: 401, error: "missing bearer token" };
      const hash = sha256(token);
      const now = clock();
      let hit = accepted.get(hash);
      if (!hit || hit.until <= now) {
        const { rows } = await pool.query<{ name: string; scopes: string[]; stale: boolean }>({
          name: "cellplane.token.verify",
          text: `SELECT name, scopes, last_used_at IS NULL OR last_used_at < now() - interval '1 minute' AS stale
                   FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL`,
          values: [hash],
        });
        const row = rows[0];
        if (!row) {
          accepted.delete(hash);
          return { ok: false, status: 401, error: "unknown or revoked token" };
        }
        if (row.stale) void pool.query(`UPDATE api_tokens SET last_used_at = now() WHERE token_hash = $1`, [hash]).catch(() => {});
        if (accepted.size >= 1_000) accepted.clear();
        accepted.set(hash, (hit = { name: row.name, scopes: row.scopes, until: now + ttlMs }));
      }
      if (!hit.scopes.includes(scope)) return { ok: false, status: 403, error: `token lacks scope ${scope}` };
      return { ok: true, name: hit.name, scopes: hit.scopes, hash };
    },
  };
}
export type TokenVerifier = ReturnType<typeof createTokenVerifier>;
