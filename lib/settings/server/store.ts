// Admin settings stored as JSON rows with an optimistic version (reads merge over defaults), and
// what admins keep beside them: runbooks, fleet freezes and maintenance windows. Changes return
// their audit events for the caller's door to write in the same transaction.
import type pg from "pg";
import type { z } from "zod";
import type { Audited } from "@/lib/audit/events";
import type { Db, Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import { type AlertingSettings, alertingSettingsSchema, DEFAULT_ALERTING_SETTINGS } from "@/lib/alerts/settings";
import { DEFAULT_PROM_SETTINGS, type PromSettings, promSettingsSchema } from "@/lib/health/sources/templates";
import { DEFAULT_THRESHOLDS, thresholdsSchema, type Thresholds } from "@/lib/health/thresholds";
import { DEFAULT_LINKS, linksSchema, type LinkTemplates } from "../links";
import { freezeEnd, minuteOfDay } from "../freezes";
import { DEFAULT_OUTBOUND_SETTINGS, outboundSettingsSchema, type OutboundSettings, webhookProblems } from "../outbound";
import { DEFAULT_ROLLOUT_SETTINGS, rolloutSettingsSchema, type RolloutSettings, secretsChanged } from "../rollouts";

interface SettingDef<T> {
  key: string;
  schema: z.ZodType<T>;
  defaults: T;
  /** For settings that hold secrets: which of them a change replaced (named in the audit event, whose URLs are redacted). */
  secretsChanged?: (before: T, after: T) => string[];
}

export const SETTINGS = {
  thresholds: { key: "health.thresholds", schema: thresholdsSchema, defaults: DEFAULT_THRESHOLDS } as SettingDef<Thresholds>,
  links: { key: "observability.links", schema: linksSchema, defaults: DEFAULT_LINKS } as SettingDef<LinkTemplates>,
  rollouts: {
    key: "rollouts",
    schema: rolloutSettingsSchema,
    defaults: DEFAULT_ROLLOUT_SETTINGS,
    secretsChanged,
  } as SettingDef<RolloutSettings>,
  outbound: { key: "outbound", schema: outboundSettingsSchema, defaults: DEFAULT_OUTBOUND_SETTINGS } as SettingDef<OutboundSettings>,
  /** PromQL templates and label mapping of the Prometheus health source. */
  prometheus: { key: "health.prometheus", schema: promSettingsSchema, defaults: DEFAULT_PROM_SETTINGS } as SettingDef<PromSettings>,
  /** Alertmanager label mapping and the routing rules of alert notifications. */
  alerting: { key: "alerting", schema: alertingSettingsSchema, defaults: DEFAULT_ALERTING_SETTINGS } as SettingDef<AlertingSettings>,
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

/**
 * Write a setting if nobody changed it since `expectedVersion`; audited with before/after (the door
 * redacts the URLs of settings that hold secrets; `secretsChanged` lists which secrets changed).
 */
export async function writeSetting<T>(
  tx: Tx,
  def: SettingDef<T>,
  value: T,
  expectedVersion: number,
  actor: string,
): Promise<Audited<null>> {
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
  return {
    data: null,
    audit: [
      {
        action: "setting.update",
        targetType: "setting",
        targetId: def.key,
        before: before.value,
        after: def.secretsChanged ? { ...value, secretsChanged: def.secretsChanged(before.value, value) } : value,
      },
    ],
  };
}

/** Save the rollout settings; webhooks on hosts a non-empty outbound allowlist does not admit are refused. */
export async function saveRolloutSettings(tx: Tx, value: RolloutSettings, expectedVersion: number, actor: string): Promise<Audited<null>> {
  const outbound = await readSetting(tx, SETTINGS.outbound);
  const problems = webhookProblems(value, outbound.value);
  if (problems) throw new DomainError("INVALID", "Some webhooks are on hosts the outbound allowlist does not admit.", problems);
  return writeSetting(tx, SETTINGS.rollouts, value, expectedVersion, actor);
}

const RUNBOOK_CONFLICT = "Someone else changed this runbook meanwhile; reload and try again.";

/** Create a runbook (expected version 0) or replace the version the editor saw; audited with before/after. */
export async function saveRunbook(
  tx: Tx,
  input: { id: string; title: string; body: string; version: number },
  actor: string,
): Promise<Audited<null>> {
  const before = await tx.runbook.findUnique({ where: { id: input.id } });
  if ((before?.version ?? 0) !== input.version) throw new DomainError("CONFLICT", RUNBOOK_CONFLICT);
  if (before) {
    const n = await tx.runbook.updateMany({
      where: { id: input.id, version: input.version },
      data: { title: input.title, body: input.body, version: { increment: 1 }, updatedBy: actor },
    });
    if (n.count === 0) throw new DomainError("CONFLICT", RUNBOOK_CONFLICT);
  } else {
    await tx.runbook.create({ data: { id: input.id, title: input.title, body: input.body, updatedBy: actor } });
  }
  return {
    data: null,
    audit: [
      {
        action: before ? "runbook.update" : "runbook.create",
        targetType: "runbook",
        targetId: input.id,
        before: before ? { title: before.title, body: before.body } : undefined,
        after: { title: input.title, body: input.body },
      },
    ],
  };
}

export async function createFreeze(
  tx: Tx,
  input: { startsAt: Date; endsAt: Date; reason: string },
  actor: string,
): Promise<Audited<{ id: string }>> {
  const f = await tx.freeze.create({ data: { ...input, createdBy: actor } });
  return {
    data: { id: f.id.toString() },
    audit: [{ action: "freeze.create", targetType: "freeze", targetId: f.id.toString(), after: input }],
  };
}

/** End a freeze now (or make a planned one cover no time); see `freezeEnd`. */
export async function endFreeze(tx: Tx, id: bigint, now: Date): Promise<Audited<null>> {
  const f = await tx.freeze.findUnique({ where: { id } });
  if (!f) throw new DomainError("NOT_FOUND", "no such freeze");
  const endsAt = freezeEnd(f, now);
  await tx.freeze.update({ where: { id: f.id }, data: { endsAt } });
  return {
    data: null,
    audit: [{ action: "freeze.end", targetType: "freeze", targetId: f.id.toString(), before: { endsAt: f.endsAt }, after: { endsAt } }],
  };
}

export interface WindowInput {
  /** A cell id or `tier:<tier>`. */
  scope: string;
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  /** "HH:MM", the cell's local time. */
  start: string;
  durationMin: number;
}

export async function addWindow(tx: Tx, input: WindowInput, actor: string): Promise<Audited<{ id: string }>> {
  if (!input.scope.startsWith("tier:") && !(await tx.cell.findUnique({ where: { id: input.scope } })))
    throw new DomainError("INVALID", "unknown cell", { scope: [`no cell ${input.scope}`] });
  const w = await tx.maintenanceWindow.create({
    data: {
      scope: input.scope,
      weekday: input.weekday,
      startMinute: minuteOfDay(input.start),
      durationMin: input.durationMin,
      createdBy: actor,
    },
  });
  return {
    data: { id: w.id.toString() },
    audit: [{ action: "maintenance_window.create", targetType: "maintenance_window", targetId: w.id.toString(), after: input }],
  };
}

export async function removeWindow(tx: Tx, id: bigint): Promise<Audited<null>> {
  const w = await tx.maintenanceWindow.findUnique({ where: { id } });
  if (!w) throw new DomainError("NOT_FOUND", "no such window");
  await tx.maintenanceWindow.delete({ where: { id: w.id } });
  return {
    data: null,
    audit: [
      {
        action: "maintenance_window.delete",
        targetType: "maintenance_window",
        targetId: w.id.toString(),
        before: { scope: w.scope, weekday: w.weekday, startMinute: w.startMinute, durationMin: w.durationMin },
      },
    ],
  };
}
