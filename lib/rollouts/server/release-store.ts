// Releases in PostgreSQL. Every transition — by the ticker or by a person — runs in one
// transaction: lock the release row, gather observations, run the pure engine, persist the new
// document (guarded by `version`), and perform its effects (desired versions, check results,
// deliveries), returning the audit events for the caller's door to write in that transaction. Two
// tickers, or a ticker and a click, therefore apply a transition once.
import { randomBytes } from "node:crypto";
import type { Audited, AuditInput } from "@/lib/audit/events";
import { audited } from "@/lib/audit/server/record";
import { whatChangedNote } from "@/lib/changes/server/read";
import type { Db, Tx } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { readSetting, SETTINGS } from "@/lib/settings/server/store";
import type { RolloutSettings } from "@/lib/settings/rollouts";
import {
  command as engineCommand,
  DEFAULT_ENGINE_CONFIG,
  EngineError,
  isTerminal,
  newRelease,
  tick as engineTick,
  type Command,
  type Effect,
  type EngineConfig,
  type Observations,
  type ReleaseDoc,
  type WavePlan,
  type WaveTelemetry,
} from "../engine";
import { VERSION_PATTERN } from "../api";
import { zoneOf } from "../windows";
import { parseReleaseDoc } from "../release-doc";

export function engineConfig(s: RolloutSettings, timeScale: number): EngineConfig {
  return {
    ...DEFAULT_ENGINE_CONFIG,
    timeScale,
    deployTimeoutMs: s.deployTimeoutMin * 60_000,
    telemetryTimeoutMs: s.telemetryTimeoutMin * 60_000,
    noticeLeadMs: s.noticeLeadHours * 3600_000,
  };
}

export interface StartInput {
  title?: string;
  pipelineId: string;
  versions: Record<string, string>;
  plan: WavePlan[];
}

/**
 * Create a release with its plan snapshot. One active release per service at a time. `actor` starts
 * it (and is the actor of its `release.start` event, whoever drives the transaction).
 */
export async function createRelease(tx: Tx, input: StartInput, actor: string, now: Date): Promise<Audited<{ id: string }>> {
  const services = Object.keys(input.versions);
  if (services.length === 0) throw new DomainError("INVALID", "name at least one service and version", { versions: ["required"] });
  const known = await tx.service.findMany({ where: { id: { in: services } }, select: { id: true } });
  const unknown = services.filter((s) => !known.some((k) => k.id === s));
  if (unknown.length)
    throw new DomainError("INVALID", `unknown service ${unknown.join(", ")}`, { versions: [`unknown service ${unknown.join(", ")}`] });
  const bad = Object.entries(input.versions).filter(([, v]) => !VERSION_PATTERN.test(v));
  if (bad.length)
    throw new DomainError("INVALID", `invalid version for ${bad.map(([s]) => s).join(", ")}`, {
      versions: ["letters, digits, . _ + - (max 64)"],
    });
  // Serialise starts so two concurrent starts cannot both pass the one-active-release check.
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(72707369301)`);
  const active = await tx.release.findMany({
    where: { status: { in: ["running", "awaiting_approval", "paused"] } },
    select: { id: true, versions: true },
  });
  const clash = active.find((r) => Object.keys(r.versions as Record<string, string>).some((s) => services.includes(s)));
  if (clash)
    throw new DomainError(
      "CONFLICT",
      `release ${clash.id} is still rolling ${Object.keys(clash.versions as object).join(", ")}; finish, roll back or abort it first`,
    );
  let doc: ReleaseDoc;
  try {
    doc = newRelease(input.plan, input.versions, actor, now);
  } catch (e) {
    if (e instanceof EngineError) throw new DomainError("PRECONDITION", e.message);
    throw e;
  }
  const id = `rel-${now.toISOString().slice(0, 10).replace(/-/g, "")}-${randomBytes(3).toString("hex")}`;
  const title = input.title?.trim() || services.map((s) => `${s} ${input.versions[s]}`).join(", ");
  await tx.release.create({
    data: {
      id,
      title,
      pipelineId: input.pipelineId,
      versions: input.versions,
      status: doc.status,
      currentWave: 0,
      doc: doc as unknown as Prisma.InputJsonValue,
      startedBy: actor,
      startedAt: now,
      updatedAt: now,
    },
  });
  const started: AuditInput = {
    action: "release.start",
    targetType: "release",
    targetId: id,
    after: {
      title,
      pipeline: input.pipelineId,
      versions: input.versions,
      waves: input.plan.map((w) => ({ name: w.name, cells: w.cells })),
    },
    actor,
  };
  return { data: { id }, audit: [started] };
}

type Locked = { id: string; doc: ReleaseDoc; version: number; status: string; startedBy: string };

async function lock(tx: Tx, id: string): Promise<Locked | null> {
  const rows = await tx.$queryRaw<{ id: string; doc: unknown; version: number; status: string; started_by: string }[]>`
    SELECT id, doc, version, status::text AS status, started_by FROM releases WHERE id = ${id} FOR UPDATE`;
  const r = rows[0];
  return r ? { id: r.id, doc: parseReleaseDoc(r.doc, r.id), version: r.version, status: r.status, startedBy: r.started_by } : null;
}

/** What the engine needs to decide the current wave's next step. */
export async function observe(tx: Tx, doc: ReleaseDoc, now: Date): Promise<Observations> {
  const w = doc.waves[doc.current];
  const cells = w?.cells ?? [];
  // Every cell of the release: one pass may finish a wave and start the next.
  const allCells = [...new Set(doc.waves.flatMap((x) => x.cells))];
  const services = Object.keys(doc.versions);
  const [rows, freezes, thresholds] = await Promise.all([
    tx.cellService.findMany({
      where: { cellId: { in: allCells }, serviceId: { in: services } },
      select: { cellId: true, serviceId: true, observedVersion: true, desiredVersion: true },
    }),
    tx.freeze.findMany({ where: { startsAt: { lte: now }, endsAt: { gt: now } } }),
    readSetting(tx, SETTINGS.thresholds),
  ]);
  const observed: Observations["observed"] = {};
  const desired: Observations["desired"] = {};
  for (const r of rows) {
    (observed[r.cellId] ??= {})[r.serviceId] = r.observedVersion;
    (desired[r.cellId] ??= {})[r.serviceId] = r.desiredVersion;
  }
  const windows: Observations["windows"] = {};
  const windowCells = doc.waves
    .slice(doc.current)
    .filter((x) => x.maintenanceWindow)
    .flatMap((x) => x.cells);
  if (windowCells.length) {
    const cellRows = await tx.cell.findMany({ where: { id: { in: windowCells } }, select: { id: true, tier: true, region: true } });
    const mws = await tx.maintenanceWindow.findMany({
      where: { scope: { in: [...cells, ...new Set(cellRows.map((c) => `tier:${c.tier}`))] } },
    });
    for (const c of cellRows) {
      windows[c.id] = {
        zone: zoneOf(c.region),
        windows: mws
          .filter((m) => m.scope === c.id || m.scope === `tier:${c.tier}`)
          .map((m) => ({ weekday: m.weekday, startMinute: m.startMinute, durationMin: m.durationMin })),
      };
    }
  }
  let telemetry: WaveTelemetry | undefined;
  if (w?.state === "VALIDATING" && w.bakeStartedAt) {
    telemetry = await waveTelemetry(tx, cells, doc.versions, new Date(w.bakeStartedAt), now);
  }
  return {
    observed,
    desired,
    freezes: freezes.map((f) => ({ startsAt: f.startsAt, endsAt: f.endsAt, reason: f.reason })),
    windows,
    telemetry,
    thresholds: { errorRate: thresholds.value.yellow.errorRate, p99Ms: thresholds.value.yellow.p99Ms },
  };
}

/** Samples reporting the new version since the bake began, and alerts overlapping that window. */
export async function waveTelemetry(
  tx: Tx,
  cells: string[],
  versions: Record<string, string>,
  from: Date,
  to: Date,
): Promise<WaveTelemetry> {
  const services = Object.keys(versions);
  const stats = await tx.$queryRaw<{ cell_id: string; samples: bigint; e: number | null; p: number | null }[]>`
    SELECT s.cell_id, count(*) AS samples, avg(s.error_rate) AS e, avg(s.p99_ms) AS p
      FROM health_samples s
      JOIN unnest(${services}::text[], ${services.map((s) => versions[s]!)}::text[]) AS v(service_id, version)
        ON v.service_id = s.service_id AND v.version = s.version
     WHERE s.cell_id = ANY(${cells}::text[]) AND s.ts >= ${from} AND s.ts <= ${to}
     GROUP BY s.cell_id`;
  const alerts = await tx.alert.findMany({
    where: { cellId: { in: cells }, startedAt: { lte: to }, OR: [{ resolvedAt: null }, { resolvedAt: { gte: from } }] },
    select: { type: true, severity: true, cellId: true },
  });
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    cells: Object.fromEntries(
      stats.map((r) => [
        r.cell_id,
        { samples: Number(r.samples), errorRate: r.e === null ? null : Number(r.e), p99Ms: r.p === null ? null : Number(r.p) },
      ]),
    ),
    alerts,
  };
}

function slackTarget(target: string, s: RolloutSettings): string | null {
  if (target.startsWith("slack://")) return s.channels[target.slice("slack://".length)] || null;
  return /^https?:\/\//.test(target) ? target : null;
}

/** Perform an engine step's effects; returns the audit events that describe them. */
async function perform(
  tx: Tx,
  releaseId: string,
  doc: ReleaseDoc,
  effects: Effect[],
  now: Date,
  settings: RolloutSettings,
): Promise<AuditInput[]> {
  const audits: AuditInput[] = [];
  for (const e of effects) {
    switch (e.kind) {
      case "setDesired": {
        for (const [service, version] of Object.entries(e.versions)) {
          await tx.cellService.updateMany({ where: { cellId: { in: e.cells }, serviceId: service }, data: { desiredVersion: version } });
          if (settings.deployWebhook) {
            await tx.delivery.createMany({
              data: e.cells.map((cell) => ({
                kind: "deploy",
                releaseId,
                event: "desired_version",
                target: settings.deployWebhook,
                payload: { cell, service, version, release: releaseId, wave: doc.waves[e.wave]!.name },
                nextAttemptAt: now,
                createdAt: now,
              })),
            });
          }
        }
        audits.push({
          action: "release.deploy",
          targetType: "release",
          targetId: releaseId,
          after: { wave: doc.waves[e.wave]!.name, cells: e.cells, versions: e.versions },
        });
        break;
      }
      case "restoreDesired": {
        for (const [cell, perService] of Object.entries(e.previous)) {
          for (const [service, version] of Object.entries(perService)) {
            if (version === null) continue;
            await tx.cellService.updateMany({ where: { cellId: cell, serviceId: service }, data: { desiredVersion: version } });
            if (settings.deployWebhook) {
              await tx.delivery.create({
                data: {
                  kind: "deploy",
                  releaseId,
                  event: "desired_version",
                  target: settings.deployWebhook,
                  payload: { cell, service, version, release: releaseId, wave: doc.waves[e.wave]!.name, rollback: true },
                  nextAttemptAt: now,
                  createdAt: now,
                },
              });
            }
          }
        }
        audits.push({
          action: "release.rollback",
          targetType: "release",
          targetId: releaseId,
          after: { wave: doc.waves[e.wave]!.name, restore: e.previous },
        });
        break;
      }
      case "notify": {
        const url = e.target ? slackTarget(e.target, settings) : null;
        // A failed wave's notification says what changed on its cells before it failed.
        const causes =
          e.event === "wave_failed" ? await whatChangedNote(tx, { cells: e.cells ?? [], services: Object.keys(doc.versions) }, now) : null;
        await tx.delivery.create({
          data: {
            kind: "notification",
            releaseId,
            event: e.event,
            target: e.target ?? "(none)",
            payload: {
              text: causes ? `${e.text}\n${causes.text}` : e.text,
              release: releaseId,
              wave: doc.waves[e.wave]?.name ?? null,
              event: e.event,
              cells: e.cells ?? [],
              ...(causes ? { changes: causes.changes } : {}),
            },
            status: url ? "pending" : "failed",
            lastError: url
              ? null
              : e.target
                ? `no webhook configured for ${e.target} (Settings → Rollouts)`
                : "no notification target in the pipeline",
            nextAttemptAt: now,
            createdAt: now,
          },
        });
        break;
      }
      case "recordChecks":
        await tx.releaseCheckResult.createMany({
          data: e.results.map((r) => ({
            releaseId,
            wave: e.wave,
            check: r.check,
            passed: r.passed,
            measured: r.measured,
            threshold: r.threshold,
            unit: r.unit,
            detail: r.detail,
            windowFrom: new Date(e.from),
            windowTo: new Date(e.to),
            at: now,
          })),
        });
        break;
      case "transition":
        audits.push({
          action: "release.transition",
          targetType: "release",
          targetId: releaseId,
          before: { wave: doc.waves[e.wave]!.name, state: e.from },
          after: { wave: doc.waves[e.wave]!.name, state: e.to, detail: e.detail },
        });
        break;
    }
  }
  return audits;
}

async function persist(tx: Tx, locked: Locked, doc: ReleaseDoc, now: Date) {
  const updated = await tx.release.updateMany({
    where: { id: locked.id, version: locked.version },
    data: {
      doc: doc as unknown as Prisma.InputJsonValue,
      status: doc.status,
      currentWave: doc.current,
      version: { increment: 1 },
      updatedAt: now,
      finishedAt: isTerminal(doc.status) ? now : null,
    },
  });
  if (updated.count !== 1) throw new DomainError("CONFLICT", "the release changed meanwhile; try again");
}

export const TICKER_ACTOR = "system:ticker";

/** One ticker pass over a release in `tx`. Its data: whether anything changed. */
export async function stepRelease(tx: Tx, id: string, now: Date, timeScale: number): Promise<Audited<boolean>> {
  const locked = await lock(tx, id);
  if (!locked || locked.status === "paused" || isTerminal(locked.doc.status)) return { data: false, audit: [] };
  const settings = (await readSetting(tx, SETTINGS.rollouts)).value;
  const obs = await observe(tx, locked.doc, now);
  const step = engineTick(locked.doc, obs, now, engineConfig(settings, timeScale));
  const changed = JSON.stringify(step.doc) !== JSON.stringify(locked.doc);
  if (!changed && step.effects.length === 0) return { data: false, audit: [] };
  await persist(tx, locked, step.doc, now);
  return { data: true, audit: await perform(tx, id, step.doc, step.effects, now, settings) };
}

/** One ticker pass over a release, in a transaction of its own, audited as the ticker. Returns whether anything changed. */
export function tickRelease(db: Db, id: string, now: Date, timeScale: number): Promise<boolean> {
  return audited(db, TICKER_ACTOR, (tx) => stepRelease(tx, id, now, timeScale), { timeout: 20_000 });
}

/** Commands the engine applies without a wave transition: recorded as an event of their own. */
const COMMAND_EVENTS: Partial<Record<Command["kind"], string>> = {
  pause: "release.pause",
  resume: "release.resume",
  abort: "release.abort",
};

/**
 * A person's command (approve, reject, pause, resume, abort, roll back, advance), then one engine
 * pass so an approval starts deploying at once. Runs inside the caller's transaction (the one door).
 */
export async function commandRelease(tx: Tx, id: string, cmd: Command, actor: string, now: Date, timeScale: number) {
  const locked = await lock(tx, id);
  if (!locked) throw new DomainError("NOT_FOUND", `no release ${id}`);
  let step;
  try {
    step = engineCommand(locked.doc, cmd, now);
  } catch (e) {
    if (e instanceof EngineError) throw new DomainError(e.code === "FORBIDDEN" ? "PRECONDITION" : e.code, e.message);
    throw e;
  }
  if (cmd.kind === "approve" || cmd.kind === "reject") {
    await tx.releaseApproval.create({
      data: { releaseId: id, wave: cmd.wave, decision: cmd.kind, comment: cmd.comment, decidedBy: actor, decidedAt: now },
    });
  }
  const settings = (await readSetting(tx, SETTINGS.rollouts)).value;
  const after =
    step.doc.status === "paused" || isTerminal(step.doc.status)
      ? { doc: step.doc, effects: [] as Effect[] }
      : engineTick(step.doc, await observe(tx, step.doc, now), now, engineConfig(settings, timeScale));
  await persist(tx, locked, after.doc, now);
  const commanded = COMMAND_EVENTS[cmd.kind];
  const audit: AuditInput[] = commanded
    ? [
        {
          action: commanded,
          targetType: "release",
          targetId: id,
          before: { status: locked.doc.status },
          after: { status: step.doc.status },
          reason: "reason" in cmd && cmd.reason ? cmd.reason : null,
        },
      ]
    : [];
  audit.push(...(await perform(tx, id, after.doc, [...step.effects, ...after.effects], now, settings)));
  return {
    data: {
      before: { status: locked.doc.status, wave: locked.doc.current, state: locked.doc.waves[locked.doc.current]?.state },
      after: { status: after.doc.status, wave: after.doc.current, state: after.doc.waves[after.doc.current]?.state },
    },
    audit,
  };
}

/** Who started release `id` (four-eyes checks), or NOT_FOUND. */
export async function releaseStarter(tx: Db | Tx, id: string): Promise<{ startedBy: string }> {
  const r = await tx.release.findUnique({ where: { id }, select: { startedBy: true } });
  if (!r) throw new DomainError("NOT_FOUND", `no release ${id}`);
  return r;
}

/** Releases the ticker should advance. */
export async function activeReleaseIds(db: Db): Promise<string[]> {
  const rows = await db.release.findMany({
    where: { status: { in: ["running", "awaiting_approval"] } },
    select: { id: true },
    orderBy: { startedAt: "asc" },
  });
  return rows.map((r) => r.id);
}
