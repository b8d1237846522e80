// Admin settings stored as JSON rows with an optimistic version. Reads merge over defaults.
import type pg from "pg";
import type { z } from "zod";
import type { Db, Tx } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/server/record";
import { DomainError } from "@/lib/errors";
import { DEFAULT_THRESHOLDS, thresholdsSchema, type Thresholds } from "@/lib/health/thresholds";
import { DEFAULT_LINKS, linksSchema, type LinkTemplates } from "../links";
import { DEFAULT_ROLLOUT_SETTINGS, rolloutSettingsSchema, type RolloutSettings } from "../rollouts";

interface SettingDef<T> {
  key: string;
  schema: z.ZodType<T>;
  defaults: T;
}

export const SETTINGS = {
  thresholds: { key: "health.thresholds", schema: thresholdsSchema, defaults: DEFAULT_THRESHOLDS } as SettingDef<Thresholds>,
  links: { key: "observability.links", schema: linksSchema, defaults: DEFAULT_LINKS } as SettingDef<LinkTemplates>,
  rollouts: { key: "rollouts", schema: rolloutSettingsSchema, defaults: DEFAULT_ROLLOUT_SETTINGS } as SettingDef<RolloutSettings>,
};

export async function readSetting<T>(db: Db | Tx, def: SettingDef<T>): Promise<{ value: T; version: number }> {
  return settingOf(def, await db.setting.findUnique({ where: { key: def.key } }));
}

/** readSetting with plain SQL, for processes and hot paths without Prisma. */
export async function readSettingSql<T>(pool: Pick<pg.Pool, "query">, def: SettingDef<T>): Promise<{ value: T; version: number }> {
  const { rows } = await pool.query<{ value: unknown; version: number }>(`SELECT value, version FROM settings WHERE key = $1`, [def.key]);
  return settingOf(def, rows[0] ?? null);
}

/**
 * A setting read with plain SQL at most every `ttlMs`, for hot paths (another process's change
 * applies within that); `forget()` makes the next call read it again.
 */
export function settingReader<T>(pool: Pick<pg.Pool, "query">, def: SettingDef<T>, ttlMs = 5_000) {
  let cache: { at: number; value: Promise<T> } | undefined;
  const read = (): Promise<T> => {
    if (!cache || Date.now() - cache.at >= ttlMs) {
      const value = readSettingSql(pool, def).then((s) => s.value);
      cache = { at: Date.now(), value };
      value.catch(() => (cache = undefined));
    }
    return cache.value;
  };
  return Object.assign(read, { forget: () => void (cache = undefined) });
}

function settingOf<T>(def: SettingDef<T>, row: { value: unknown; version: number } | null): { value: T; version: number } {
  if (!row) return { value: def.defaults, version: 0 };
  const parsed = def.schema.safeParse(row.value);
  return { value: parsed.success ? parsed.data : def.defaults, version: row.version };
}

/** Write a setting if nobody changed it since `expectedVersion`; audited with before/after. */
export async function writeSetting<T>(tx: Tx, def: SettingDef<T>, value: T, expectedVersion: number, actor: string) {
  const before = await readSetting(tx, def);
  if (before.version !== expectedVersion) {
    throw new DomainError("CONFLICT", "Someone else changed this setting meanwhile; reload and try again.");
  }
  if (expectedVersion === 0) {
    const created = await tx.setting.createMany({
      data: [{ key: def.key, value: value as object, updatedBy: actor }],
      skipDuplicates: true,
    });
    if (created.count === 0) throw new DomainError("CONFLICT", "Someone else changed this setting meanwhile; reload and try again.");
  } else {
    const updated = await tx.setting.updateMany({
      where: { key: def.key, version: expectedVersion },
      data: { value: value as object, version: { increment: 1 }, updatedBy: actor },
    });
    if (updated.count === 0) throw new DomainError("CONFLICT", "Someone else changed this setting meanwhile; reload and try again.");
  }
  await recordAudit(tx, actor, { action: "setting.update", targetType: "setting", targetId: def.key, before: before.value, after: value });
}
