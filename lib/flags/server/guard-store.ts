// Guarded ramps in PostgreSQL: one pass of a flag's guard (run by the ticker), and a product owner
// resuming a held ramp. A pass locks the flag row, reads the cells where the flag is on and their
// telemetry, records what the guard saw (flag_guard_status: an observation, rewritten every pass)
// and, on a breach, holds the ramp — a change of the flag (new version, so every evaluation sees it
// at once), audited, with a notification to the owner's channel.
import type { Audited, AuditInput } from "@/lib/audit/events";
import type { Db, Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import { formatTime } from "@/lib/format";
import { alertsOverlapping, guardReadings } from "@/lib/health/server/guard-readings";
import { evaluateGuard, type GuardVerdict } from "@/lib/rollouts/guards";
import { readSetting, SETTINGS } from "@/lib/settings/server/store";
import type { CellVersions } from "../evaluate";
import { cellExposure, type CustomerHome } from "../exposure";
import { baselineLabel, flagWatch, holdFor, type FlagWatch } from "../guard";
import type { Flag } from "../model";
import { effectivePercentage } from "../schedule";
import { freezeInForce, frozenRefusal } from "@/lib/settings/freezes";
import { customerHomes, getFlag } from "./store";

/** Every cell's observed versions (service → version). */
export async function cellVersions(db: Db | Tx): Promise<Map<string, CellVersions>> {
  const rows = await db.cellService.findMany({ select: { cellId: true, serviceId: true, observedVersion: true } });
  const out = new Map<string, CellVersions>();
  for (const r of rows) {
    let v = out.get(r.cellId);
    if (!v) out.set(r.cellId, (v = {}));
    v[r.serviceId] = r.observedVersion;
  }
  return out;
}

/** Every customer with their home cell and what it runs. */
export async function customersWithVersions(db: Db | Tx): Promise<CustomerHome[]> {
  const [homes, versions] = await Promise.all([customerHomes(db), cellVersions(db)]);
  return homes.map((h) => ({ ...h, versions: versions.get(h.cell) ?? {} }));
}

/** The notification target of a flag's guard: its own, else the owner's channel (slack://<owner>). */
export function ownerChannel(flag: Pick<Flag, "guard" | "owner">): string | null {
  if (flag.guard?.notify) return flag.guard.notify;
  return /^[a-z0-9._-]+$/.test(flag.owner) ? `slack://${flag.owner}` : null;
}

async function writeStatus(
  tx: Tx,
  key: string,
  now: Date,
  s: { state: string | null; detail: string; watch?: FlagWatch; cells?: string[]; verdict?: GuardVerdict },
) {
  const w = s.watch?.watching ? s.watch.window : null;
  const data = {
    state: s.state,
    detail: s.detail,
    evaluatedAt: now,
    windowFrom: w?.from ?? null,
    windowTo: w?.to ?? null,
    cells: s.cells ?? [],
    results: JSON.parse(JSON.stringify(s.verdict?.results ?? [])),
  };
  await tx.flagGuardStatus.upsert({ where: { flagKey: key }, create: { flagKey: key, ...data }, update: data });
}

/** The cells where the flag is on for at least one customer now. */
async function flagOnCells(tx: Tx, flag: Flag, now: Date): Promise<string[]> {
  const exposure = cellExposure(flag, await customersWithVersions(tx), now);
  return [...exposure]
    .filter(([, e]) => e.on > 0)
    .map(([cell]) => cell)
    .sort();
}

async function notifyOwner(tx: Tx, flag: Flag, text: string, now: Date) {
  const target = ownerChannel(flag);
  const settings = (await readSetting(tx, SETTINGS.rollouts)).value;
  const url = target?.startsWith("slack://") ? settings.channels[target.slice("slack://".length)] : target;
  await tx.delivery.create({
    data: {
      kind: "notification",
      flagKey: flag.key,
      event: "flag_ramp_held",
      target: target ?? "(none)",
      payload: { text, flag: flag.key, event: "flag_ramp_held" },
      status: url ? "pending" : "failed",
      lastError: url
        ? null
        : target
          ? `no webhook configured for ${target} (Settings → Rollouts)`
          : "no notification target: set the guard's notify or the flag's owner",
      nextAttemptAt: now,
      createdAt: now,
    },
  });
}

/**
 * One pass of flag `key`'s guard in `tx`. Its data: the guard's state (null when nothing is
 * watched); a breach holds the ramp and returns the `flag.guard_hold` audit event.
 */
export async function guardFlag(tx: Tx, key: string, now: Date, timeScale: number): Promise<Audited<string | null>> {
  const locked = await tx.$queryRaw<{ key: string }[]>`SELECT key FROM feature_flags WHERE key = ${key} FOR UPDATE`;
  if (!locked.length) return { data: null, audit: [] };
  const flag = (await getFlag(tx, key))!;
  const watch = flagWatch(flag, now, timeScale);
  if (!watch.watching) {
    if (flag.guard) await writeStatus(tx, key, now, { state: flag.hold ? "breached" : null, detail: watch.why });
    return { data: null, audit: [] };
  }
  const cells = await flagOnCells(tx, flag, now);
  const services = Object.keys(flag.requires).length
    ? Object.keys(flag.requires)
    : (await tx.service.findMany({ select: { id: true } })).map((s) => s.id);
  const series = services.map((service) => ({ service, version: null }));
  const [readings, baseline, alerts, thresholds] = await Promise.all([
    guardReadings(tx, { cells, series, from: watch.window.from, to: watch.window.to }),
    guardReadings(tx, { cells, series, from: watch.baseline.from, to: watch.baseline.to, pooled: true }),
    alertsOverlapping(tx, cells, watch.since, now),
    readSetting(tx, SETTINGS.thresholds),
  ]);
  const verdict = evaluateGuard(
    flag.guard!.checks,
    cells,
    {
      from: watch.window.from.toISOString(),
      to: watch.window.to.toISOString(),
      cells: readings,
      baseline: {
        reading: baseline["*"] ?? { samples: 0, requests: 0, errors: 0, p99Ms: null },
        label: baselineLabel(watch.change),
        from: watch.baseline.from.toISOString(),
        to: watch.baseline.to.toISOString(),
      },
      alerts,
    },
    {
      now,
      since: watch.since,
      mode: "continuous",
      timeScale,
      thresholds: { errorRate: thresholds.value.yellow.errorRate, p99Ms: thresholds.value.yellow.p99Ms },
    },
  );
  const detail = cells.length
    ? `watching the step to ${watch.change.to}% (${formatTime(watch.change.at, { seconds: true, utc: true })}) on ${cells.length} cell(s) where the flag is on`
    : `the flag is on for no customer yet (step to ${watch.change.to}% at ${formatTime(watch.change.at, { seconds: true, utc: true })})`;
  await writeStatus(tx, key, now, { state: verdict.state, detail, watch, cells, verdict });
  if (!verdict.breach) return { data: verdict.state, audit: [] };

  const before = effectivePercentage(flag, now);
  const hold = holdFor(flag, watch.change, verdict.breach, now);
  await tx.featureFlag.update({
    where: { key },
    data: { heldAt: now, heldPercentage: hold.percentage, holdReason: hold.reason, version: flag.version + 1, updatedAt: now },
  });
  await notifyOwner(tx, flag, `Flag ${key}: ${hold.reason}. A product owner resumes it on the flag's page.`, now);
  const audit: AuditInput = {
    action: "flag.guard_hold",
    targetType: "flag",
    targetId: key,
    before: { effectivePercentage: before, version: flag.version },
    after: { effectivePercentage: hold.percentage, held: true, check: verdict.breach.check, version: flag.version + 1 },
    reason: hold.reason,
  };
  return { data: verdict.state, audit: [audit] };
}

/** Flags whose guard may have something to watch: enabled, guarded, not held. */
export async function guardedFlagKeys(db: Db): Promise<string[]> {
  const rows = await db.$queryRaw<{ key: string }[]>`
    SELECT key FROM feature_flags WHERE guard IS NOT NULL AND enabled AND held_at IS NULL ORDER BY key`;
  return rows.map((r) => r.key);
}

/**
 * A product owner resumes a held ramp (optimistic: `expectedVersion` is what they saw). The
 * schedule is in force again from now — a step whose time passed while held takes effect at once —
 * and the guard watches afresh from now.
 */
export async function resumeRamp(tx: Tx, key: string, expectedVersion: number, comment: string, now: Date): Promise<Audited<Flag>> {
  const locked = await tx.$queryRaw<{ version: number }[]>`SELECT version FROM feature_flags WHERE key = ${key} FOR UPDATE`;
  if (!locked.length) throw new DomainError("NOT_FOUND", `There is no flag "${key}".`);
  const flag = (await getFlag(tx, key))!;
  if (!flag.hold) throw new DomainError("CONFLICT", `The ramp of "${key}" is not held (it may have been resumed already).`);
  if (flag.version !== expectedVersion)
    throw new DomainError(
      "CONFLICT",
      `"${key}" changed after you loaded it (version ${expectedVersion} → ${flag.version}). Reload; nothing was saved.`,
    );
  const freeze = freezeInForce(flag.freezes ?? [], now);
  const resumed = effectivePercentage({ ...flag, hold: null }, now);
  if (freeze && resumed > effectivePercentage(flag, now))
    throw frozenRefusal(
      `Resuming the ramp of "${key}" (${flag.hold.percentage}% → ${resumed}%)`,
      freeze,
      "Resume it once the freeze ends.",
    );
  await tx.featureFlag.update({
    where: { key },
    data: { heldAt: null, heldPercentage: null, holdReason: null, guardSince: now, version: flag.version + 1, updatedAt: now },
  });
  const after = (await getFlag(tx, key))!;
  return {
    data: after,
    audit: [
      {
        action: "flag.resume",
        targetType: "flag",
        targetId: key,
        before: { held: true, effectivePercentage: flag.hold.percentage, holdReason: flag.holdReason, version: flag.version },
        after: { held: false, effectivePercentage: effectivePercentage(after, now), version: after.version },
        reason: comment,
      },
    ],
  };
}
