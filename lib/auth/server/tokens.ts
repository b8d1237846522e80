// The one token check. Every entry point that takes an API token — the Next.js API routes (withApi),
// the app server's direct telemetry path, OFREP — asks a verifier made here; the rules themselves
// (revoked, expired, scope, cell binding) are decideToken and tokenCovers in ../bearer.ts.
//
// One statement: TOKEN_LOOKUP_SQL, for every token a verifier has to look up at that moment
// (concurrent lookups share it, like the flag source's reads).
//
// One cache policy: an accepted token is remembered for TOKEN_CACHE_MS (10 s, and never past its
// expiry); refusals are not remembered, so a token created a moment ago works at once. What a
// request writes re-checks the token against the database: API routes that change something look
// it up afresh (`fresh`), and telemetry ingest re-checks it inside its own write statement
// (TOKEN_VALID_SQL), so a token revoked a moment ago writes nothing even while remembered. A read
// (OFREP, desired versions, fleet health) may therefore still be answered for up to 10 s after a
// revocation.
import type pg from "pg";
import type { Db } from "@/lib/db/client";
import { appPool } from "@/lib/db/pools";
import { credentialOf, decideToken, sha256, type Credential, type StoredToken, type TokenCheck } from "../bearer";

export const TOKEN_CACHE_MS = 10_000;

/** Runs one SQL statement with $1… parameters and returns its rows. */
export type SqlRows = <R>(sql: string, params: unknown[], name?: string) => Promise<R[]>;

export const TOKEN_LOOKUP_SQL = `
  SELECT token_hash AS hash, name, scopes, cells, revoked_at AS "revokedAt", expires_at AS "expiresAt",
         last_used_at IS NULL OR last_used_at < now() - interval '1 minute' AS stale
    FROM api_tokens WHERE token_hash = ANY($1::text[])`;

/**
 * The same rules as decideToken, in SQL, for statements that re-check the token at their write:
 * true when the token `hashParam` is known, unrevoked, unexpired and has the scope `scopeParam`.
 */
export const TOKEN_VALID_SQL = (hashParam: string, scopeParam: string) =>
  `EXISTS (SELECT 1 FROM api_tokens WHERE token_hash = ${hashParam} AND revoked_at IS NULL
             AND (expires_at IS NULL OR expires_at > now()) AND ${scopeParam}::text = ANY (scopes))`;

type Row = StoredToken & { hash: string; stale: boolean };

export interface VerifyOptions {
  /** Look the token up even when it is remembered (requests that write). */
  fresh?: boolean;
}

export interface TokenVerifier {
  /** Check a credential for a scope. 401: missing, malformed, unknown, revoked or expired; 403: lacks the scope. */
  check(credential: Credential, scope: string | readonly string[], opts?: VerifyOptions): Promise<TokenCheck>;
  /** The same, from an `Authorization` header (and OFREP's `X-API-Key`). */
  verify(authorization: string | null | undefined, scope: string, opts?: VerifyOptions & { apiKey?: string | null }): Promise<TokenCheck>;
}

export function createTokenVerifier(
  query: SqlRows,
  { ttlMs = TOKEN_CACHE_MS, clock = Date.now }: { ttlMs?: number; clock?: () => number } = {},
): TokenVerifier {
  const accepted = new Map<string, { row: StoredToken; until: number }>();
  let waiting = new Map<string, { resolve: (r: StoredToken | undefined) => void; reject: (e: unknown) => void }[]>();
  let running = false;

  async function run(batch: typeof waiting) {
    const rows = await query<Row>(TOKEN_LOOKUP_SQL, [[...batch.keys()]], "cellplane.tokens.lookup");
    const byHash = new Map(rows.map((r) => [r.hash, r]));
    const now = clock();
    for (const [hash, waiters] of batch) {
      const r = byHash.get(hash);
      const row: StoredToken | undefined = r && {
        name: r.name,
        scopes: r.scopes,
        cells: r.cells ?? [],
        revokedAt: r.revokedAt && new Date(r.revokedAt),
        expiresAt: r.expiresAt && new Date(r.expiresAt),
      };
      if (row && !row.revokedAt && ttlMs > 0) {
        if (accepted.size >= 1_000) accepted.clear();
        accepted.set(hash, { row, until: Math.min(now + ttlMs, row.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY) });
      } else accepted.delete(hash);
      // Best effort and cheap: at most one write a minute per token.
      if (r?.stale && !row?.revokedAt)
        void query(`UPDATE api_tokens SET last_used_at = now() WHERE token_hash = $1`, [hash]).catch(() => {});
      for (const w of waiters) w.resolve(row);
    }
  }

  function kick() {
    if (running || waiting.size === 0) return;
    const batch = waiting;
    waiting = new Map();
    running = true;
    run(batch)
      .catch((e) => {
        for (const ws of batch.values()) for (const w of ws) w.reject(e);
      })
      .finally(() => {
        running = false;
        kick();
      });
  }

  const lookup = (hash: string) =>
    new Promise<StoredToken | undefined>((resolve, reject) => {
      const list = waiting.get(hash) ?? [];
      list.push({ resolve, reject });
      waiting.set(hash, list);
      kick();
    });

  async function check(credential: Credential, scope: string | readonly string[], opts: VerifyOptions = {}): Promise<TokenCheck> {
    if (credential.kind !== "token") return decideToken(credential, undefined, "", scope, clock());
    const hash = sha256(credential.token);
    const hit = opts.fresh ? undefined : accepted.get(hash);
    const row = hit && hit.until > clock() ? hit.row : await lookup(hash);
    return decideToken(credential, row, hash, scope, clock());
  }

  return {
    check,
    verify: (authorization, scope, opts = {}) => check(credentialOf(authorization, opts.apiKey), scope, opts),
  };
}

/** SqlRows over a node-postgres pool. */
export const poolRows =
  (pool: Pick<pg.Pool, "query">): SqlRows =>
  async <R>(sql: string, params: unknown[], name?: string) =>
    (await pool.query({ text: sql, values: params, name })).rows as R[];

/** SqlRows over Prisma (scripts and tests that hold a Prisma client). */
export const prismaRows =
  (db: Db): SqlRows =>
  <R>(sql: string, params: unknown[]) =>
    db.$queryRawUnsafe<R[]>(sql, ...params);

const g = globalThis as unknown as { cellplaneTokens?: TokenVerifier };

/** This process's verifier (on the requests pool), shared by every entry point of the app server. */
export function tokenVerifier(): TokenVerifier {
  g.cellplaneTokens ??= createTokenVerifier((sql, params, name) => poolRows(appPool("requests"))(sql, params, name));
  return g.cellplaneTokens;
}
