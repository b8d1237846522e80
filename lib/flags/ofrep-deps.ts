import "server-only";
// OFREP's dependencies inside the app: the app's database, token checks, the wall clock.
import { db } from "@/lib/db";
import { checkToken } from "@/lib/auth/users";
import type { OfrepDeps } from "./ofrep";
import { createFlagSource, type FlagSource } from "./source";

const globalForFlags = globalThis as unknown as { cellplaneFlagSource?: FlagSource };

export function ofrepDeps(): OfrepDeps {
  globalForFlags.cellplaneFlagSource ??= createFlagSource(db());
  return {
    authenticate: async (authorization) => {
      const r = await checkToken(db(), authorization, "flags:read");
      return r.ok ? { ok: true } : { ok: false, status: r.status, message: r.error };
    },
    source: globalForFlags.cellplaneFlagSource,
    now: () => new Date(),
  };
}
