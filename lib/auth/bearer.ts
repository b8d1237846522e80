// Bearer tokens: hashing and parsing the Authorization header (pure). Checking them: server/tokens.ts.
import { createHash } from "node:crypto";

export const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** The token of an `Authorization: Bearer …` header, or null. */
export function bearerOf(authorization: string | null | undefined): string | null {
  return /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1] ?? null;
}

export type TokenCheck = { ok: true; name: string; scopes: string[] } | { ok: false; status: 401 | 403; error: string };
